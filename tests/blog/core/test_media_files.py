"""Sound, video, PDFs and fonts are recognised by what they hold (blog.core.media_files):
real files made by real tools pass, their name decides nothing, and damaged, cut or
glued-together files never do."""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.core.media_files import (
    A_FONT,
    A_PDF,
    AUDIO,
    FILE_TYPES,
    FONT,
    MP3,
    MP4,
    OGG,
    VIDEO,
    WEBM,
    file_type,
    format_inside,
    formats_text,
    holds,
)
from tests.support.paths import FILES
from tests.support.paths import FONT as FONT_FILE

REAL_FILES = {
    "tone.mp3": MP3,
    "tone.m4a": MP4,
    "tone.opus": OGG,
    "clip.mp4": MP4,
    "clip.webm": WEBM,
    "notes.pdf": A_PDF,
    FONT_FILE.name: A_FONT,
}


def data(name):
    return (FILES / name).read_bytes()


def holds_bytes(content, format):
    return holds(io.BytesIO(content), format)


def found(content):
    return format_inside(io.BytesIO(content))


def archive():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zip_file:
        zip_file.writestr("payload.exe", b"MZ" * 100)
    return out.getvalue()


@pytest.mark.parametrize(("name", "format"), REAL_FILES.items())
def test_each_real_file_is_the_format_its_name_says_and_no_other(name, format):
    assert file_type(name).format is format
    assert holds_bytes(data(name), format)
    assert found(data(name)) is format


def test_the_name_decides_only_what_a_file_claims_to_be():
    assert file_type("Talk.MP3").kind is AUDIO and file_type("clip.webm").kind is VIDEO
    assert file_type("song.opus").content_type == "audio/ogg"  # RFC 7845
    for refused in ("voice.wav", "clip.mov", "notes.docx", "page.html", "mp3", ""):
        assert file_type(refused) is None
    assert not holds_bytes(data("notes.pdf"), MP3)  # a PDF named .mp3 is still a PDF
    assert found(b"<html><script>alert(1)</script></html>") is None


def test_an_mp3_needs_two_frames_in_a_row_with_or_without_its_tag():
    mp3 = data("tone.mp3")
    tag_size = 10 + int.from_bytes(mp3[6:10], "big")  # syncsafe, but under 128 here
    assert holds_bytes(mp3[tag_size:], MP3)  # no ID3 tag: frames from the first byte
    assert not holds_bytes(mp3[: tag_size + 4], MP3)  # one frame header, nothing after
    assert not holds_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"<html>", MP3)
    assert not holds_bytes(b"\xff\xfb\x90\x00" + bytes(100), MP3)  # no second frame


def test_iso_media_must_tile_the_file_with_a_brand_browsers_play():
    mp4 = data("clip.mp4")
    assert not holds_bytes(mp4 + archive(), MP4)  # something glued after the boxes
    assert not holds_bytes(mp4[:-10], MP4)  # cut short
    quicktime = mp4[:8] + b"qt  " + mp4[12:16] + b"qt  " * ((int.from_bytes(mp4[:4]) - 16) // 4)
    assert not holds_bytes(quicktime + mp4[len(quicktime) :], MP4)
    assert not holds_bytes(b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00", MP4)  # no movie


def test_webm_is_one_segment_of_a_webm_document():
    webm = data("clip.webm")
    assert not holds_bytes(webm + b"<html>", WEBM)
    assert not holds_bytes(webm[:-1], WEBM)
    assert not holds_bytes(webm.replace(b"\x42\x82\x84webm", b"\x42\x82\x84wxbm", 1), WEBM)
    # A browser's own recording leaves the segment's size unknown: all its bits set.
    segment = webm.index(b"\x18\x53\x80\x67") + 4
    unknown = webm[:segment] + b"\x01\xff\xff\xff\xff\xff\xff\xff" + webm[segment + 8 :]
    assert holds_bytes(unknown, WEBM)


def test_ogg_must_begin_a_sound_stream():
    opus = data("tone.opus")
    assert holds_bytes(opus, OGG)
    assert not holds_bytes(opus.replace(b"OpusHead", b"\x80theora", 1), OGG)  # video
    assert not holds_bytes(b"OggS\x00\x00" + opus[6:], OGG)  # not a stream's first page


def test_a_pdf_starts_and_ends_as_one():
    pdf = data("notes.pdf")
    assert holds_bytes(pdf + b"\r\n\n", A_PDF)
    assert not holds_bytes(pdf[:-100], A_PDF)
    assert not holds_bytes(pdf + archive(), A_PDF)
    assert not holds_bytes(b"<html>" + pdf, A_PDF)


@pytest.mark.parametrize("name", REAL_FILES)
def test_any_cut_of_any_file_is_refused_or_read_never_a_crash(name):
    content = data(name)
    for end in range(0, len(content), 97):
        format_inside(io.BytesIO(content[:end]))
        format_inside(io.BytesIO(content[end:]))


# Each format's start, so that the bytes after it reach the parsers behind the signature.
SIGNATURES = [
    b"", b"ID3\x04\x00\x00", b"\xff\xfb", b"\x00\x00\x00\x18ftypisom", b"\x1a\x45\xdf\xa3",
    b"OggS\x00\x02", b"%PDF-1.7", b"wOF2", b"\x00\x01\x00\x00",
]  # fmt: skip


@given(st.sampled_from(SIGNATURES), st.binary(max_size=600), st.sampled_from(list(FILE_TYPES)))
def test_any_bytes_under_any_name_are_a_format_or_none_never_a_crash(start, rest, extension):
    content = start + rest
    holds_bytes(content, FILE_TYPES[extension].format)
    assert found(content) in {None, *(type_.format for type_ in FILE_TYPES.values())}


def test_a_file_is_left_at_its_start_for_the_storage():
    file = io.BytesIO(data("clip.mp4"))
    assert holds(file, MP4) and file.tell() == 0
    assert format_inside(file) is MP4 and file.tell() == 0


def test_formats_are_listed_as_bloggers_read_them():
    assert formats_text(AUDIO) == "MP3, M4A, OGG, OGA or Opus"
    assert formats_text(VIDEO) == "MP4 or WebM"
    assert formats_text(FONT) == "WOFF2, WOFF, TTF or OTF"
