"""Wagtail's Cloudflare purge backend with two changes, made on its private
``_purge_urls`` (the one method that talks to Cloudflare):

* the API address is a setting (``API_URL``, from ``CLOUDFLARE_API_URL``), so that tests
  stand a local recording server in for Cloudflare;
* a failed purge is logged, never raised: it must not fail the publish that caused it,
  and cached pages expire at ``READER_S_MAXAGE`` anyway.

Configured in ``WAGTAILFRONTENDCACHE`` (``bearcms/settings.py``); ``blog.caching.cdn``
decides what to purge.
"""

import logging

import requests
from wagtail.contrib.frontend_cache.backends.cloudflare import (
    CloudflareBackend as WagtailCloudflareBackend,
)

logger = logging.getLogger(__name__)

CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4"


class CloudflareBackend(WagtailCloudflareBackend):
    def __init__(self, params):
        self.api_url = params.pop("API_URL", CLOUDFLARE_API_URL).rstrip("/")
        super().__init__(params)

    def _purge_urls(self, urls):
        headers = {"Authorization": f"Bearer {self.cloudflare_token}"}
        endpoint = f"{self.api_url}/zones/{self.cloudflare_zoneid}/purge_cache"
        try:
            response = requests.post(endpoint, json={"files": urls}, headers=headers, timeout=10)
            response.raise_for_status()
        except requests.RequestException:
            # A failed purge must not fail the publish: pages expire at s-maxage anyway.
            logger.exception("Could not purge %d URLs from Cloudflare", len(urls))
