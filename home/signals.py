"""A deleted blog's subdomain starts its quarantine (``home.subdomain_quarantine``)."""

from django.db.models.signals import post_delete

from blog.models import BlogPage
from home.subdomain_quarantine import release_subdomain

post_delete.connect(release_subdomain, sender=BlogPage, dispatch_uid="bearcms-release-subdomain")
