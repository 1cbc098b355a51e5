"""The rules of a blog's date format (blog.core.date_formats)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import dateformat

from blog.core.date_formats import (
    DATE_LETTERS,
    DEFAULT_DATE_FORMAT,
    FORMAT_LETTER,
    MAX_DATE_FORMAT_LENGTH,
    REFUSED_LETTERS,
    SUGGESTED_DATE_FORMATS,
    date_format_problems,
    shown_date_format,
    validate_date_format,
)

MOMENT = datetime.datetime(2024, 3, 10, 14, 5, 9, tzinfo=datetime.UTC)


def test_the_letters_are_read_where_django_reads_them():
    assert FORMAT_LETTER.pattern == dateformat.re_formatchars.pattern


def test_every_django_letter_is_either_allowed_or_refused():
    django_letters = set(FORMAT_LETTER.pattern.split("[")[1].split("]")[0])
    assert set(DATE_LETTERS) | set(REFUSED_LETTERS) == django_letters
    assert not set(DATE_LETTERS) & set(REFUSED_LETTERS)


@pytest.mark.parametrize("letter", DATE_LETTERS)
def test_each_allowed_letter_formats_a_date_on_its_own(letter):
    assert date_format_problems(letter) == []
    assert dateformat.format(MOMENT, letter)


def test_the_formats_offered_before_are_allowed_and_suggested():
    assert DEFAULT_DATE_FORMAT in SUGGESTED_DATE_FORMATS
    for shape in SUGGESTED_DATE_FORMATS:
        assert date_format_problems(shape) == []
        assert shown_date_format(shape) == shape


def test_a_refused_letter_is_named_with_how_to_write_it_literally():
    assert date_format_problems("j M Y T") == [
        "“T” stands for the time zone, which your dates cannot show. To show the letter T "
        "itself, write \\T."
    ]


def test_each_refused_letter_is_reported_once_in_order():
    problems = date_format_problems("U e U c")
    assert [problem[1] for problem in problems] == ["U", "e", "c"]


def test_an_escaped_letter_and_text_that_is_not_a_letter_are_allowed():
    shape = r"\T\o\d\a\y: j M, \a\t H:i (k)"
    assert date_format_problems(shape) == []
    assert dateformat.format(MOMENT, shape) == "Today: 10 Mar, at 14:05 (k)"


def test_a_settings_name_never_stands_in_for_the_locales_format():
    # Django's date filter would read these names as the locale's own formats.
    for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"):
        assert date_format_problems(name)


def test_the_validator_raises_every_problem():
    with pytest.raises(ValidationError) as error:
        validate_date_format("O r")
    assert len(error.value.messages) == 2 and "“O”" in error.value.messages[0]
    validate_date_format("l, j F Y")  # no error


@pytest.mark.parametrize(
    "stored", ["", None, "Y T", "u", "Y" * (MAX_DATE_FORMAT_LENGTH + 1), "DATE_FORMAT"]
)
def test_an_empty_or_broken_stored_format_shows_the_default(stored):
    assert shown_date_format(stored) == DEFAULT_DATE_FORMAT


def test_an_allowed_format_of_the_longest_length_is_shown_as_it_is():
    shape = "Y-" * (MAX_DATE_FORMAT_LENGTH // 2)
    assert shown_date_format(shape) == shape
