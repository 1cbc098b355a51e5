"""django-allauth adapter: safe redirects, account mail sent by a task (the sign-up
confirmation naming the new blog), the client address its rate limits count by, and which
email addresses an account may have."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils.http import url_has_allowed_host_and_scheme

from blog.core.reader_requests import client_ip
from blog.dashboard.blogs import own_blog, own_blogs
from home.account_mail import send_account_mail_later
from home.email_domains import validate_signup_email

SIGNUP_CONFIRMATION = "account/email/email_confirmation_signup"
PLAIN_CONFIRMATION = "account/email/email_confirmation"


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # allauth trusts ALLOWED_HOSTS, which admits every blog's host (blog.tenants.hosts checks
        # hosts instead): a ?next= there would land a freshly logged-in user on a page
        # any blogger controls.
        return url_has_allowed_host_and_scheme(
            url,
            allowed_hosts={settings.BLOG_DOMAIN, self.request.get_host()},
            require_https=self.request.is_secure(),
        )

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account failed-login lock by the request's host, and the
        # platform answers to any spelling of it (any port, any case, a trailing dot):
        # each spelling would get its own five guesses. One platform, one lock.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{settings.BLOG_DOMAIN}:{login}"

    def clean_email(self, email):
        # allauth asks here for every address a person gives: at sign-up, when adding an
        # address at /accounts/email/ (which could otherwise swap a real address for a
        # throwaway one after sign-up), and for a password reset. A reset only looks an
        # account up: refusing it would lock out an owner whose domain joined the
        # disposable list after they signed up.
        email = super().clean_email(email)
        match = getattr(self.request, "resolver_match", None)
        if match is None or match.url_name != "account_reset_password":
            validate_signup_email(email)
        return email

    def get_client_ip(self, request):
        # allauth trusts no proxy by default, so behind Caddy every person would share
        # Caddy's address and one rate limit. The reader endpoints' rule applies instead:
        # X-Forwarded-For is believed from TRUSTED_PROXIES only.
        return client_ip(request)

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        # allauth sends its sign-up mail once; a blogger who then tries to log in before
        # confirming gets the mail again as a plain address confirmation. Until one of
        # their addresses is confirmed they are still signing up: they get the sign-up
        # mail again, which names the blog it is for.
        user = emailconfirmation.email_address.user
        signing_up = signup or (
            own_blogs(user).exists()
            and not EmailAddress.objects.filter(user=user, verified=True).exists()
        )
        super().send_confirmation_mail(request, emailconfirmation, signing_up)

    def send_mail(self, template_prefix, email, context):
        # Sign-up, password reset and confirmation resend all send through here. The
        # message is rendered now, as allauth does, and sent by a task
        # (home.account_mail): a mail outage or a wrong SMTP password never turns the
        # request into a 500 or rolls back a sign-up, and the worker retries the mail.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        if template_prefix == SIGNUP_CONFIRMATION:
            # The person has just chosen the blog's address: the mail names the blog and
            # the address it will be read at (port included where the platform has one).
            blog = own_blog(context["user"])
            if blog is None:  # deleted since it was made: a plain address confirmation
                template_prefix = PLAIN_CONFIRMATION
            else:
                context["blog"] = blog
                context["blog_url"] = blog.full_url
                context["blog_host"] = urlsplit(blog.full_url).netloc
        message = self.render_mail(template_prefix, email, context)
        send_account_mail_later(template_prefix, message)
