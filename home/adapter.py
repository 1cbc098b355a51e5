"""django-allauth adapter: redirects after login stay on the platform host."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # allauth trusts ALLOWED_HOSTS, which covers every blog's subdomain: a ?next=
        # there would land a freshly logged-in user on a page any blogger controls.
        return url_has_allowed_host_and_scheme(
            url,
            allowed_hosts={settings.BLOG_DOMAIN, self.request.get_host()},
            require_https=self.request.is_secure(),
        )
