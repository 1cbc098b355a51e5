"""Test clients: host-aware clients, and the password of the bloggers the fixtures make."""

from django.test import Client

from blog.core.names import blog_hostname

# Every user ``make_blogger`` creates (tests/conftest.py) logs in with it.
PASSWORD = "a-long-test-password-1"


def host_client(blog_or_host, **kwargs):
    """A test client whose requests carry the blog's (or the given) Host header."""
    host = blog_or_host if isinstance(blog_or_host, str) else blog_hostname(blog_or_host.subdomain)
    return Client(HTTP_HOST=host, **kwargs)
