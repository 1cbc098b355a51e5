"""A deleted blog's subdomain starts its quarantine, and its former ones keep theirs
(``home.subdomain_quarantine``)."""

from django.db.models.signals import post_delete, pre_delete

from blog.models import BlogPage
from home.subdomain_quarantine import release_former_subdomains, release_subdomain

post_delete.connect(release_subdomain, sender=BlogPage, dispatch_uid="bearcms-release-subdomain")
pre_delete.connect(
    release_former_subdomains, sender=BlogPage, dispatch_uid="bearcms-release-former-subdomains"
)
