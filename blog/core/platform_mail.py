"""What every mail the platform sends shares: when a failed one is tried again, and how
a user's text may appear in it.

A mail provider's outage lasts minutes to hours; a task that fails is enqueued again
after the growing delays of ``blog.core.retries``. Used by subscriber mail
(``blog.subscribers.tasks``) and account mail (``home.account_mail``).

Every mail leaves from the platform's own address, some of it to people who asked for
nothing (a subscription confirmation goes to whatever address was typed into a blog's
form). A blog title or a post title reaches mail only through
``blogger_text``, inside wording that says whose text it is.
"""

import re
import unicodedata
from smtplib import SMTPException

from django.utils.text import Truncator

MAIL_ERRORS = (SMTPException, OSError)  # OSError covers refused connections and timeouts

BLOGGER_TEXT_LIMIT = 80  # characters: a name, not a message
# A dot that a mail client would read as part of a domain name (in a URL or an address
# too): between a letter or digit and two letters, as before a top-level domain. The
# ideographic and fullwidth dots count: browsers take them for dots in a hostname.
DOMAIN_DOT = re.compile(r"(?<=[^\W_])[.\u3002\uff0e\uff61](?=[^\W\d_]{2})")


def blogger_text(text, limit=BLOGGER_TEXT_LIMIT):
    """A blogger's text (a blog or post title) as platform mail may carry it:
    one line of at most ``limit`` characters that no mail client turns into a link.

    Otherwise a title such as "Account suspended" over a second line "Visit
    http://..." would read as the platform's own notice, and a newline in a header
    would make Django refuse the whole mail. So control and format characters (line
    breaks, tabs, zero-width and direction marks) become spaces, runs of spaces one,
    and links are quoted the way security notices quote them: "http[:]//evil[.]example"
    reads the same but opens nothing. A version number (2.0) or "e.g." stays as it is.
    """
    spaced = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    line = DOMAIN_DOT.sub("[.]", " ".join(spaced.split())).replace("://", "[:]//")
    return Truncator(line).chars(limit)


def masked(address):
    """``s***@example.com``: enough to find the case in the logs, not the whole address."""
    local, _, domain = str(address).rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"
