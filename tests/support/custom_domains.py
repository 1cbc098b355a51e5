"""A blog's own domain: its ownership proven in the test's DNS, and a client on it."""

from django.test import Client

from blog.core.domain_ownership import ownership_token, record_name

DOMAIN = "blog.example.com"


def prove_ownership(dns, blog, domain):
    """Put the TXT record the blog is asked for into the (test's own, real) DNS."""
    dns.txt[record_name(domain)] = [ownership_token(blog, domain)]


def on_domain(domain=DOMAIN):
    return Client(HTTP_HOST=domain)
