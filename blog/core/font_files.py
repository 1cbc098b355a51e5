"""What a web font file is: the formats a blog serves at ``/fonts/<file name>``.

A blogger uploads a font as a document (``blog.dashboard.document_uploads`` checks it) and
uses it in their custom CSS; ``blog.reader.fonts`` serves it from the blog's own host, so
that the reader policy's ``font-src 'self'`` lets it load.
"""

import posixpath

# Extension: the Content-Type the font is served with (RFC 8081's font/ types).
FONT_CONTENT_TYPES = {
    "woff2": "font/woff2",
    "woff": "font/woff",
    "ttf": "font/ttf",
    "otf": "font/otf",
}
FONT_FORMATS_TEXT = "WOFF2, WOFF, TTF or OTF"
# The first four bytes of each format: WOFF2, WOFF, TrueType outlines (in a .ttf or an
# .otf), CFF outlines (OpenType), and Apple's old TrueType tag.
FONT_SIGNATURES = frozenset({b"wOF2", b"wOFF", b"\x00\x01\x00\x00", b"OTTO", b"true"})


def font_extension(name):
    """The font extension of a file name (``woff2``...), or None for any other file."""
    _root, extension = posixpath.splitext(name or "")
    extension = extension[1:].lower()
    return extension if extension in FONT_CONTENT_TYPES else None


def looks_like_a_font(head):
    """Whether a file's first bytes are those of a font in one of the served formats."""
    return bytes(head[:4]) in FONT_SIGNATURES
