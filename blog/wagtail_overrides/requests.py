"""The two private request attributes the product relies on.

* ``request_host``: every middleware that routes by host reads Django's raw host
  (``HttpRequest._get_raw_host``), because ``get_host()`` raises for any host outside
  ``ALLOWED_HOSTS``, and blogs' custom domains cannot be listed there: the host router
  (``blog.tenants.hosts``) checks every host instead, with one indexed lookup.
* ``remember_site``: Wagtail caches the Site of a request on ``request._wagtail_site``
  (``Site.find_for_request``); setting it to the Site the host router found saves every
  Wagtail view the stock lookup, which scans the Site table.
"""

from django.http.request import split_domain_port

from blog.core.names import MAX_DOMAIN_LENGTH


def request_host(request):
    """The host a request names, without its port; "" when it has none or names something
    longer than a hostname can be. Not checked against ``ALLOWED_HOSTS``."""
    host, _port = split_domain_port(request._get_raw_host())
    return host if len(host) <= MAX_DOMAIN_LENGTH else ""


def remember_site(request, site):
    """Make ``site`` the request's Site for every Wagtail view and ``Site.find_for_request``."""
    request._wagtail_site = site
