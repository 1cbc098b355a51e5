"""A deleted blog's subdomain stays unavailable for ``SUBDOMAIN_QUARANTINE_DAYS``.

Links, feed readers and subscribers keep pointing at a subdomain after its blog is gone;
handing it to a new sign-up at once would send them to a stranger's words. So every
deleted blog root (by its blogger or by staff) leaves a ``ReleasedSubdomain`` row, and
sign-up refuses the subdomain until the quarantine is over.

This lives in ``home``, not in ``blog.tenants.lifecycle.validate_subdomain``: ``home`` builds on
``blog`` (``home.models`` imports ``blog.models``), never the reverse. A new blog takes a
subdomain from a person in one place, ``home.signup.check_new_subdomain``: at sign-up, and
when a blogger starts another blog (``home.blogs``).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from blog.models import FormerSubdomain
from blog.tenants.lifecycle import redirects_since
from home.models import ReleasedSubdomain


def quarantine_start(now=None):
    """Subdomains released before this moment are free again."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS)


def validate_not_quarantined(subdomain):
    """Refuse a subdomain whose blog was deleted within the quarantine; forget expired rows."""
    start = quarantine_start()
    ReleasedSubdomain.objects.filter(released_at__lt=start).delete()
    released = ReleasedSubdomain.objects.filter(subdomain=subdomain).first()
    if released is not None:
        free_on = released.released_at + datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS)
        raise ValidationError(
            f"“{subdomain}” was used by a blog deleted recently; it is free again on "
            f"{date_format(free_on, 'DATE_FORMAT')}.",
            code="quarantined",
        )
    return subdomain


def release_subdomain(sender, instance, **kwargs):
    """Start the quarantine of a deleted blog's subdomain (again, if it was reused)."""
    ReleasedSubdomain.objects.update_or_create(
        subdomain=instance.subdomain, defaults={"released_at": timezone.now()}
    )


def release_former_subdomains(sender, instance, **kwargs):
    """Before a renamed blog is deleted (and its ``FormerSubdomain`` rows with it), its
    former subdomains still redirecting to it keep the rest of their quarantine."""
    former = FormerSubdomain.objects.filter(blog_id=instance.pk, left_at__gte=redirects_since())
    for name, left_at in former.values_list("subdomain", "left_at"):
        ReleasedSubdomain.objects.update_or_create(
            subdomain=name, defaults={"released_at": left_at}
        )
