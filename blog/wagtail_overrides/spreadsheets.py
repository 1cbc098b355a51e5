"""Wagtail's listing exports (subscribers, the staff Blogs listing, Wagtail's own reports)
write CSV cells as they are: ``install`` wraps ``SpreadsheetExportMixin.preprocess_field_value``
so that each CSV cell is neutralised against CSV injection
(``blog.core.spreadsheets.neutralise_formula``).
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from blog.core.spreadsheets import neutralise_formula


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
