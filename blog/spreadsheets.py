"""Spreadsheet cells that are never run as formulas (CSV injection).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula: a
blog's title, a subscriber's address or a referrer can then open a link, or worse, on the
computer of whoever opens the file. Every CSV the product writes passes its cells through
``neutralise_formula``: ``blog.export`` (staff's copy of a blog), ``blog.analytics_admin``
and, through ``install``, every listing Wagtail exports (subscribers, the staff Blogs
listing, Wagtail's own reports).
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

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


def install():
    """Neutralise every CSV cell of Wagtail's listing exports: subscribers, the staff Blogs
    listing, and Wagtail's own reports (page titles, user names). Wagtail writes their CSV
    cells as they are, but their XLSX cells as text, never as formulas (``generate_xlsx_row``),
    which keeps each value exact there."""
    wagtail_preprocess = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        value = wagtail_preprocess(self, field, value, export_format)
        return neutralise_formula(value) if export_format == self.FORMAT_CSV else value

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
