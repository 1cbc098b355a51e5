"""The dashboard's Account page shows the account's email address but does not change it.

Wagtail's "Name and Email" panel saves any address typed into it: another account's,
staff's, a throwaway one, never confirmed. Staff see and write to that address, and
allauth looks accounts up by it. So Wagtail's email field is off
(``WAGTAIL_EMAIL_MANAGEMENT_ENABLED``), and this panel shows the address with the way to
change it: allauth's page (``/accounts/email/``), where a new address is refused when it is
a throwaway one (``home.adapter``), must be confirmed by the link mailed to it (which
another account's address never can: ``ACCOUNT_UNIQUE_EMAIL``), and becomes the account's
(``User.email``) only when it is then made primary.
"""

from django.urls import reverse

from home.account_panels import InfoPanel


class EmailSettingsPanel(InfoPanel):
    name = "email"
    title = "Email"
    order = 150  # under Wagtail's name panel (100)
    template_name = "home/admin/account_email_panel.html"

    def get_context_data(self):
        return {"email": self.user.email, "change_url": reverse("account_email")}
