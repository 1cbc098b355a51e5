"""What a blogger may keep as a document: fonts, sound, video and PDFs, each recognised by
what the file holds, never by its name alone.

A blogger uploads these in the dashboard's Documents, or drops them into the Markdown
editor (``blog.dashboard.document_uploads``, ``blog.dashboard.editor_uploads``). The
extension says which kind a file claims to be, and so its size limit and the type it is
served with (the storage keeps that type, never the one the browser claimed). The
content must be that format: what readers download is what its name says, and the
platform keeps no archive or program named ``.mp3``. Each format is recognised by its
structure, read from the file a few bytes at a time:

* MP3: an ID3v2 tag or none, then two MPEG audio layer III frames in a row, the second
  where the first says it ends;
* MP4 and M4A: ISO base media boxes that tile the whole file, an ``ftyp`` first with a
  brand browsers play (not QuickTime's), and a ``moov``;
* WebM: an EBML header whose DocType is ``webm``, then one Segment that ends where the
  file does (or whose size is left unknown, as a browser's own recording leaves it);
* Ogg (``.ogg``, ``.oga``, ``.opus``): a first page that begins an Opus, Vorbis or FLAC
  stream;
* PDF: ``%PDF-`` at the start and ``%%EOF`` at the end;
* fonts: ``blog.core.font_files``.

Not taken: WAV (uncompressed, ten times the size of an MP3 for every reader to
download), QuickTime ``.mov`` (only Safari plays it reliably), and anything else.
"""

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from blog.core.font_files import (
    FONT_CONTENT_TYPES,
    SFNT_SIGNATURES,
    WOFF_SIGNATURES,
    font_max_bytes,
    is_one_font,
)

MB = 1024 * 1024


def _read(file, offset, size):
    file.seek(offset)
    return file.read(size)


def _size(file):
    return file.seek(0, os.SEEK_END)


def _number(data):
    return int.from_bytes(data, "big")


# --- MP3: MPEG-1, 2 and 2.5 audio, layer III ---------------------------------------------

ID3_VERSIONS = {2, 3, 4}
ID3_HEADER_BYTES = 10
ID3_FOOTER_FLAG = 0x10
MPEG_VERSIONS = {0b11: "1", 0b10: "2", 0b00: "2.5"}  # 0b01 is reserved
LAYER_III = 0b01
# Kilobits a second, by the header's bitrate index (0 is "free", 15 is invalid).
BITRATES = {
    "1": (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "2": (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
SAMPLE_RATES = {
    "1": (44100, 48000, 32000),
    "2": (22050, 24000, 16000),
    "2.5": (11025, 12000, 8000),
}


def mp3_frame(header):
    """The length of the layer III frame whose 4-byte header is ``header``, and what
    every frame of its stream shares (version, sample rate); None if it is no such
    header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = MPEG_VERSIONS.get(header[1] >> 3 & 0b11)
    bitrate_index, rate_index = header[2] >> 4, header[2] >> 2 & 0b11
    if version is None or header[1] >> 1 & 0b11 != LAYER_III:
        return None
    if bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = BITRATES["1" if version == "1" else "2"][bitrate_index] * 1000
    sample_rate = SAMPLE_RATES[version][rate_index]
    bytes_per_bit = 144 if version == "1" else 72  # samples a frame / 8
    padding = header[2] >> 1 & 1
    return bytes_per_bit * bitrate // sample_rate + padding, (version, sample_rate)


def is_mp3(file):
    start = 0
    tag = _read(file, 0, ID3_HEADER_BYTES)
    if tag[:3] == b"ID3":
        size = tag[6:10]
        if len(tag) < ID3_HEADER_BYTES or tag[3] not in ID3_VERSIONS or any(b & 0x80 for b in size):
            return False
        start = ID3_HEADER_BYTES + sum(byte << 7 * (3 - i) for i, byte in enumerate(size))
        if tag[5] & ID3_FOOTER_FLAG:
            start += ID3_HEADER_BYTES
    first = mp3_frame(_read(file, start, 4))
    if first is None:
        return False
    length, stream = first
    second = mp3_frame(_read(file, start + length, 4))
    return second is not None and second[1] == stream


# --- MP4 and M4A: ISO base media ---------------------------------------------------------

# Brands of the files phones, cameras, editors and encoders write, all of which browsers
# play; QuickTime's "qt  " is not among them.
MP4_BRANDS = frozenset(
    {
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
        b"av01", b"dash", b"M4A ", b"M4B ", b"M4V ", b"MSNV",
    }
)  # fmt: skip
BOX_HEADER_BYTES = 8
MAX_BOXES = 10_000  # a fragmented MP4 has two a fragment; junk would have millions


def has_mp4_brand(file, ftyp_size):
    """Whether the ``ftyp`` box names a brand browsers play, major or compatible."""
    brands = _read(file, BOX_HEADER_BYTES, min(ftyp_size - BOX_HEADER_BYTES, 256))
    names = [brands[:4], *(brands[i : i + 4] for i in range(8, len(brands), 4))]
    return any(name in MP4_BRANDS for name in names)


def is_mp4(file):
    size = _size(file)
    offset, boxes = 0, set()
    for _box in range(MAX_BOXES):
        if offset == size:
            return b"moov" in boxes
        header = _read(file, offset, 16)
        box_size, box_type = _number(header[:4]), header[4:8]
        if box_size == 1:  # a 64-bit size follows the type
            box_size = _number(header[8:16]) if len(header) == 16 else 0
        elif box_size == 0:  # the last box, to the end of the file
            box_size = size - offset
        if box_size < BOX_HEADER_BYTES or offset + box_size > size:
            return False
        if not (len(box_type) == 4 and all(0x20 <= byte < 0x7F for byte in box_type)):
            return False
        if offset == 0 and not (box_type == b"ftyp" and has_mp4_brand(file, box_size)):
            return False
        boxes.add(box_type)
        offset += box_size
    return False


# --- WebM: Matroska's EBML, DocType "webm" -----------------------------------------------

EBML_HEADER = b"\x1a\x45\xdf\xa3"
EBML_DOC_TYPE = b"\x42\x82"
MATROSKA_SEGMENT = b"\x18\x53\x80\x67"
MAX_EBML_HEADER_BYTES = 1024  # a few dozen in practice


def ebml_number(data, at):
    """The EBML variable-size integer at ``at``: (value, length in bytes), the value None
    when every bit is set (a size left unknown); None when there is no such number."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()
    if at + length > len(data):
        return None
    value = data[at] & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = value << 8 | byte
    return (None if value == (1 << 7 * length) - 1 else value), length


def ebml_element(data, at):
    """The element at ``at``: (its id's bytes, where its content starts, its size or None
    if unknown); None when there is no element there."""
    if at >= len(data) or data[at] == 0:
        return None
    id_length = 9 - data[at].bit_length()
    size = ebml_number(data, at + id_length)
    if id_length > 4 or size is None:
        return None
    value, size_length = size
    return bytes(data[at : at + id_length]), at + id_length + size_length, value


def is_webm(file):
    size = _size(file)
    data = _read(file, 0, MAX_EBML_HEADER_BYTES + 16)
    header = ebml_element(data, 0)
    if header is None or header[0] != EBML_HEADER or header[2] is None:
        return False
    _id, at, header_size = header
    header_end = at + header_size
    if header_end > MAX_EBML_HEADER_BYTES:
        return False
    doc_type = None
    while at < header_end:
        element = ebml_element(data, at)
        if element is None or element[2] is None:
            return False
        element_id, start, element_size = element
        if element_id == EBML_DOC_TYPE:
            doc_type = bytes(data[start : start + element_size]).rstrip(b"\x00")
        at = start + element_size
    segment = ebml_element(data, header_end)
    if doc_type != b"webm" or segment is None or segment[0] != MATROSKA_SEGMENT:
        return False
    _id, start, segment_size = segment
    return segment_size is None or start + segment_size == size


# --- Ogg -------------------------------------------------------------------------------

OGG_PAGE = b"OggS\x00"  # the capture pattern, then stream structure version 0
OGG_PAGE_HEADER_BYTES = 27
OGG_BEGINS_STREAM = 0x02
OGG_CODECS = (b"OpusHead", b"\x01vorbis", b"\x7fFLAC")


def is_ogg(file):
    page = _read(file, 0, OGG_PAGE_HEADER_BYTES + 255 + 8)
    if len(page) < OGG_PAGE_HEADER_BYTES or not page.startswith(OGG_PAGE):
        return False
    if not page[5] & OGG_BEGINS_STREAM:
        return False
    packet = OGG_PAGE_HEADER_BYTES + page[26]  # after the segment table
    return any(page[packet:].startswith(codec) for codec in OGG_CODECS)


# --- PDF -------------------------------------------------------------------------------

PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
PDF_TAIL_BYTES = 1024
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


def is_pdf(file):
    size = _size(file)
    if not PDF_HEADER.match(_read(file, 0, 8)):
        return False
    tail = _read(file, max(0, size - PDF_TAIL_BYTES), PDF_TAIL_BYTES)
    return tail.rstrip(PDF_WHITESPACE).endswith(b"%%EOF")


# --- Fonts -----------------------------------------------------------------------------


def is_font(file):
    """``font_files.is_one_font``, which reads the whole file: only a file that starts as
    a font and is no larger than a font may be is read."""
    if _read(file, 0, 4) not in WOFF_SIGNATURES | SFNT_SIGNATURES:
        return False
    return _size(file) <= font_max_bytes() and is_one_font(_read(file, 0, -1))


# --- What a blogger may upload ---------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of file, as a blogger thinks of it, with its size limit (a setting, in MB)
    and what to do when a file is over it."""

    noun: str
    plural: str
    limit_setting: str
    smaller: str

    @property
    def max_mb(self):
        return getattr(settings, self.limit_setting)

    @property
    def max_bytes(self):
        return self.max_mb * MB


@dataclass(frozen=True)
class Format:
    """A file format: what it is called, and the test its content passes."""

    noun: str
    holds: Callable


@dataclass(frozen=True)
class FileType:
    """What a file with one extension is: its kind, its format, the type it is served as."""

    kind: Kind
    format: Format
    content_type: str


FONT = Kind(
    "a font", "fonts", "FONT_MAX_UPLOAD_MB", "Upload a WOFF2 file, or one with fewer characters."
)
AUDIO = Kind(
    "a sound file",
    "sound files",
    "AUDIO_MAX_UPLOAD_MB",
    "Export it at a lower bitrate (an MP3 at 128 kbit/s is about 1 MB a minute), or in parts.",
)
VIDEO = Kind(
    "a video",
    "videos",
    "VIDEO_MAX_UPLOAD_MB",
    "Export it smaller (720p is plenty in a post) or shorter, or put it on a video site "
    "and embed it.",
)
PDF = Kind("a PDF", "PDFs", "PDF_MAX_UPLOAD_MB", "Export it again with smaller pictures.")

A_FONT = Format("a font", is_font)
MP3 = Format("an MP3 file", is_mp3)
MP4 = Format("an MP4 or M4A file", is_mp4)
OGG = Format("an Ogg file", is_ogg)
WEBM = Format("a WebM file", is_webm)
A_PDF = Format("a PDF", is_pdf)

FILE_TYPES = {
    **{extension: FileType(FONT, A_FONT, type_) for extension, type_ in FONT_CONTENT_TYPES.items()},
    "mp3": FileType(AUDIO, MP3, "audio/mpeg"),
    "m4a": FileType(AUDIO, MP4, "audio/mp4"),
    # RFC 7845: Opus in Ogg is audio/ogg ("audio/opus" is Opus sent over RTP).
    "ogg": FileType(AUDIO, OGG, "audio/ogg"),
    "oga": FileType(AUDIO, OGG, "audio/ogg"),
    "opus": FileType(AUDIO, OGG, "audio/ogg"),
    "mp4": FileType(VIDEO, MP4, "video/mp4"),
    "webm": FileType(VIDEO, WEBM, "video/webm"),
    "pdf": FileType(PDF, A_PDF, "application/pdf"),
}
# The kinds a post shows (the editor uploads them); fonts are for the blog's CSS.
POST_KINDS = (AUDIO, VIDEO, PDF)


def extension_of(name):
    _root, extension = posixpath.splitext(name or "")
    return extension[1:].lower()


def file_type(name):
    """The FileType a file name claims, or None for a file a blogger may not upload."""
    return FILE_TYPES.get(extension_of(name))


def extensions(kind=None, format=None):
    """The extensions of ``kind`` (or ``format``), in the order above."""
    return [
        extension
        for extension, type_ in FILE_TYPES.items()
        if kind in (None, type_.kind) and format in (None, type_.format)
    ]


# How people write a format's name, where it is not the extension in capitals.
FORMAT_NAMES = {"opus": "Opus", "webm": "WebM"}


def formats_text(kind):
    """``kind``'s extensions as a blogger reads them: "MP3, M4A, OGG, OGA or Opus"."""
    names = [FORMAT_NAMES.get(extension, extension.upper()) for extension in extensions(kind)]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def holds(file, format):
    """Whether ``file`` (seekable, read from its start) holds ``format``; it is left at
    its start."""
    try:
        return format.holds(file)
    finally:
        file.seek(0)


def format_inside(file):
    """The first format ``file`` holds, or None: for saying what a misnamed file is."""
    formats = dict.fromkeys(type_.format for type_ in FILE_TYPES.values())
    return next((format for format in formats if holds(file, format)), None)
