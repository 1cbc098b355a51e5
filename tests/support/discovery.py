"""Posts long enough for discovery, and what a reader sees in the discovery feed."""

import re

from blog.core.discovery import MIN_DISCOVERY_LENGTH

LONG = "A post long enough to be discovered. " * 5  # 185 characters
ENTRY_TITLE = re.compile(r'<h2><a href="([^"]*)">([^<]*)</a></h2>')
LONG_BODY = "word " * (MIN_DISCOVERY_LENGTH // 5 + 1)


def entries(response):
    """The (link, title) pairs a reader sees, in order."""
    assert response.status_code == 200
    return ENTRY_TITLE.findall(response.content.decode())


def titles(response):
    return [title for _link, title in entries(response)]
