"""What a User-Agent header says about a reader: a bot, or a device class and browser family.

Analytics store these two coarse labels instead of the header itself: a full user agent
string is a large part of a browser fingerprint, "Firefox on a phone" is not. The tables
are small regular expressions read top to bottom, first match wins; the order matters
because browsers impersonate each other (Edge, Opera and Samsung Internet all say
"Chrome", Chrome says "Safari"). ``tests/blog/core/test_user_agents.py`` holds real strings for
each row.

A request with no User-Agent at all is a script, not a reader.
"""

import re

# Crawlers, link previews, uptime monitors, feed fetchers and HTTP libraries. "bot" also
# catches Googlebot, bingbot, Applebot, AhrefsBot, Discordbot, Twitterbot, TelegramBot...;
# the look-behind spares Cubot, a brand of Android phones.
BOT = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|archiver|curl/|wget/|python-requests|python-urllib|"
    r"aiohttp|httpx|go-http-client|okhttp|java/|libwww-perl|axios/|node-fetch|http\.rb|"
    r"headless|lighthouse|pagespeed|facebookexternalhit|meta-externalagent|embedly|"
    r"preview|monitor|pingdom|uptime|feed|rss|newsblur|inoreader|feedly|mastodon|"
    r"whatsapp|validator|scrape",
    re.IGNORECASE,
)

DEVICES = [
    # iPads since iPadOS 13 claim to be a Mac, and are counted as desktops.
    ("tablet", re.compile(r"ipad|tablet|kindle|silk/|playbook|android(?!.*mobile)", re.I)),
    ("mobile", re.compile(r"mobi|iphone|ipod|windows phone|opera mini", re.I)),
]
DEFAULT_DEVICE = "desktop"

BROWSERS = [
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOPT/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrom(e|ium)/|\bCriOS/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/|\bAppleWebKit/.*\bMobile/")),
]
DEFAULT_BROWSER = "Other"


def is_bot(user_agent):
    return not user_agent.strip() or BOT.search(user_agent) is not None


def device_class(user_agent):
    return next((name for name, pattern in DEVICES if pattern.search(user_agent)), DEFAULT_DEVICE)


def browser_family(user_agent):
    return next((name for name, pattern in BROWSERS if pattern.search(user_agent)), DEFAULT_BROWSER)
