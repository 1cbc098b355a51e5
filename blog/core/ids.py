"""Object ids as they come in a request, checked before any query sees them.

``str.isdigit()`` is no check: it takes "²" and "١", and a run of digits longer than the
database's integers makes SQLite raise OverflowError. Ten digits hold every id a row of
this platform gets.
"""

import re

ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL: a larger one finds no row


def is_id(value):
    return isinstance(value, str) and ID.fullmatch(value) is not None
