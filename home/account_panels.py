"""What the dashboard's Account page panels of the platform have in common."""

from django import forms
from wagtail.admin.views.account import BaseSettingsPanel


class InfoPanel(BaseSettingsPanel):
    """An Account page panel that shows a setting and links to the page that changes it:
    the page asks every panel for a form, and this one has nothing to submit."""

    def get_form(self):
        return forms.Form(prefix=self.name)
