"""A blog's former subdomains, which redirect to it while they rest in quarantine."""

from django.db import models


class FormerSubdomain(models.Model):
    """A subdomain a blog had before it was renamed (``blog.tenants.lifecycle.rename_blog``).

    Links, feed readers and search engines keep the old address for a while: it answers
    a permanent redirect to the blog's address of now (``blog.tenants.hosts``) for
    ``SUBDOMAIN_QUARANTINE_DAYS`` after ``left_at``, and is refused to other blogs for as
    long. Then it is free; the row goes when the subdomain is taken again.
    """

    subdomain = models.CharField(max_length=63, unique=True)
    blog = models.ForeignKey(
        "blog.BlogPage", on_delete=models.CASCADE, related_name="former_subdomains"
    )
    left_at = models.DateTimeField()

    def __str__(self):
        return self.subdomain
