"""Spreadsheet cells that are never run as formulas (CSV injection).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula: a
blog's title, a subscriber's address or a referrer can then open a link, or worse, on the
computer of whoever opens the file. Every CSV the product writes passes its cells through
``neutralise_formula``: ``blog.transfer.export`` (staff's copy of a blog),
``blog.analytics.views`` and, through ``blog.wagtail_overrides.spreadsheets``, every
listing Wagtail exports (subscribers, the staff Blogs listing, Wagtail's own reports).
"""

# The first characters that make a spreadsheet read a cell as a formula: = + - @ and tab
# and carriage return (the usual list against CSV injection), and the full-width forms of
# = + - @, in case a spreadsheet folds them to these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formula(value):
    """``value`` as a spreadsheet cell that is never run as a formula: text starting with
    one of ``FORMULA_TRIGGERS`` gets a ``'`` in front, so that a spreadsheet takes it as
    text. Anything else (other text, numbers, dates) is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
