"""What a web font file is: the formats a blog serves at ``/fonts/<file name>``.

A blogger uploads a font as a document (``blog.core.media_files`` lists it among the kinds
a blog may keep, ``blog.dashboard.document_uploads`` checks it) and uses it in their custom
CSS; ``blog.reader.fonts`` serves it from the blog's own host, so that the reader policy's
``font-src 'self'`` lets it load.
"""

import posixpath

from django.conf import settings

# Extension: the Content-Type the font is served with (RFC 8081's font/ types).
FONT_CONTENT_TYPES = {
    "woff2": "font/woff2",
    "woff": "font/woff",
    "ttf": "font/ttf",
    "otf": "font/otf",
}
# The first four bytes of each format: WOFF2 and WOFF, then the sfnt versions of a TTF or
# an OTF: TrueType outlines, CFF outlines (OpenType), and Apple's old TrueType tag.
WOFF_SIGNATURES = frozenset({b"wOF2", b"wOFF"})
SFNT_SIGNATURES = frozenset({b"\x00\x01\x00\x00", b"OTTO", b"true"})
TABLE_RECORD_BYTES = 16
SFNT_HEADER_BYTES = 12
MAX_PADDING = 3  # tables are padded to four bytes


def font_max_bytes():
    """The largest font a blog keeps or serves (``FONT_MAX_UPLOAD_MB``)."""
    return settings.FONT_MAX_UPLOAD_MB * 1024 * 1024


def font_extension(name):
    """The font extension of a file name (``woff2``...), or None for any other file."""
    _root, extension = posixpath.splitext(name or "")
    extension = extension[1:].lower()
    return extension if extension in FONT_CONTENT_TYPES else None


def _number(data, start, size):
    return int.from_bytes(data[start : start + size], "big")


def is_one_font(data):
    """Whether ``data`` is a font file of a served format and nothing else: no archive or
    other file glued to it. A WOFF or WOFF2 header states the file's whole length; an sfnt
    (TTF, OTF) lists its tables, which must lie inside the file and reach its end."""
    signature = bytes(data[:4])
    if signature in WOFF_SIGNATURES:
        return len(data) > SFNT_HEADER_BYTES and _number(data, 8, 4) == len(data)
    if signature not in SFNT_SIGNATURES or len(data) < SFNT_HEADER_BYTES:
        return False
    tables = _number(data, 4, 2)
    end = SFNT_HEADER_BYTES + tables * TABLE_RECORD_BYTES
    if tables == 0 or end > len(data):
        return False
    for record in range(SFNT_HEADER_BYTES, end, TABLE_RECORD_BYTES):
        table_end = _number(data, record + 8, 4) + _number(data, record + 12, 4)
        if table_end > len(data):
            return False
        end = max(end, table_end)
    return len(data) - end <= MAX_PADDING
