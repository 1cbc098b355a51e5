"""The Markdown editor in the dashboard: wagtail-markdown's EasyMDE, fully offline.

EasyMDE draws its toolbar with Font Awesome and, left alone, downloads it from a CDN;
settings.WAGTAILMARKDOWN turns that off and this widget serves the few icons it uses
from our own static files instead (static/vendor/font-awesome/).
"""

from django import forms
from wagtail.admin.staticfiles import versioned_static
from wagtailmarkdown.widgets import MarkdownTextarea


class MarkdownEditor(MarkdownTextarea):
    @property
    def media(self):
        icons = forms.Media(
            css={"all": [versioned_static("vendor/font-awesome/font-awesome-editor.css")]}
        )
        return super().media + icons
