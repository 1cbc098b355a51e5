"""The Markdown editor in the dashboard: wagtail-markdown's EasyMDE, fully offline.

Left alone, EasyMDE downloads Font Awesome for its toolbar and dictionaries for its
spell checker from CDNs. settings.WAGTAILMARKDOWN turns the first off and this widget
serves the few icons it uses from our own static files (static/vendor/font-awesome/);
static/bearcms/markdown-editor-options.js turns the spell checker off (browsers have
their own).
"""

from django import forms
from wagtail.admin.staticfiles import versioned_static
from wagtailmarkdown.widgets import MarkdownTextarea


class MarkdownEditor(MarkdownTextarea):
    @property
    def media(self):
        # The options must be set before wagtail-markdown's scripts attach the editor.
        offline = forms.Media(
            css={"all": [versioned_static("vendor/font-awesome/font-awesome-editor.css")]},
            js=[versioned_static("bearcms/markdown-editor-options.js")],
        )
        return offline + super().media
