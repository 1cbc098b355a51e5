"""A blog's date format: Django's date-format letters, as Bear Blog's, in a safe subset.

Bear Blog keeps a blog's date format as a Django date-format string (``d M, Y``), so the
same letters are used here and a format copied from a Bear blog's settings works as it
is. The letters are read as Django reads them (``django.utils.dateformat``): a format
letter not right after a backslash prints a part of the date; any other character, and
any letter after a backslash, prints itself (``\\o\\n`` prints "on").

Allowed are the letters of the date and of the time of day. Refused are the letters that
print something other than when the post was published as a reader would read it: the
time zone (it is the server's, not the blogger's or the reader's), the machine
timestamps that carry it, and microseconds. Refusing ``T`` also keeps Django's
``date`` filter from reading a setting's name (``DATE_FORMAT`` and the other
``*_FORMAT`` names all hold a T) as "the locale's format".

A format stored before these rules, or brought in any other way, that breaks them is
never shown: ``shown_date_format`` gives the default instead, so no reader page fails.
"""

import re

from django.core.exceptions import ValidationError

DEFAULT_DATE_FORMAT = "d M, Y"
MAX_DATE_FORMAT_LENGTH = 40
# The five formats the setting offered before it was free-form: still suggested.
SUGGESTED_DATE_FORMATS = ("d M, Y", "M j, Y", "Y-m-d", "j F Y", "F j, Y")

# Django's format letters, where Django finds them (django.utils.dateformat.re_formatchars;
# tests/blog/core/test_date_formats.py checks that the two agree).
FORMAT_LETTER = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")

# What each allowed letter prints, in the order the Settings page lists them.
DATE_LETTERS = {
    "d": "day of the month, 01 to 31",
    "j": "day of the month, 1 to 31",
    "S": "English ordinal suffix of the day (st, nd, rd, th)",
    "D": "weekday, three letters",
    "l": "weekday, in full",
    "w": "weekday as a number, 0 (Sunday) to 6",
    "z": "day of the year, 1 to 366",
    "W": "week of the year (ISO 8601), 1 to 53",
    "m": "month, 01 to 12",
    "n": "month, 1 to 12",
    "M": "month, three letters",
    "b": "month, three lowercase letters",
    "F": "month, in full",
    "E": "month, in full as a date writes it in some languages",
    "N": "month, abbreviated as the Associated Press does",
    "t": "days in the month, 28 to 31",
    "y": "year, two digits",
    "Y": "year, four digits",
    "o": "year of the ISO 8601 week",
    "L": "whether it is a leap year (True or False)",
    "H": "hour, 00 to 23",
    "G": "hour, 0 to 23",
    "h": "hour, 01 to 12",
    "g": "hour, 1 to 12",
    "i": "minutes, 00 to 59",
    "s": "seconds, 00 to 59",
    "a": "a.m. or p.m.",
    "A": "AM or PM",
    "f": "hour and minutes, 12-hour, minutes left off when zero",
    "P": "hour and minutes with a.m. or p.m., or midnight or noon",
}
REFUSED_LETTERS = {
    "e": "the time zone's name",
    "T": "the time zone",
    "O": "the time zone's offset",
    "Z": "the time zone's offset in seconds",
    "I": "whether daylight saving time is in effect",
    "c": "a whole timestamp with the time zone",
    "r": "a whole timestamp with the time zone",
    "U": "the seconds since 1970",
    "u": "microseconds",
}


def date_format_problems(value):
    """One message for each refused letter in ``value`` (each letter once); [] if none."""
    problems = []
    for letter in dict.fromkeys(FORMAT_LETTER.findall(value or "")):
        if letter not in DATE_LETTERS:
            problems.append(
                f"“{letter}” stands for {REFUSED_LETTERS.get(letter, 'something else')}, "
                f"which your dates cannot show. To show the letter {letter} itself, "
                f"write \\{letter}."
            )
    return problems


def validate_date_format(value):
    """The model field's validator: refuse a format with a refused letter."""
    if problems := date_format_problems(value):
        raise ValidationError(problems, code="date_format")


def shown_date_format(value):
    """The format to write dates in: ``value`` when it is allowed, else the default
    (blank, too long, or stored before these rules and breaking them)."""
    if value and len(value) <= MAX_DATE_FORMAT_LENGTH and not date_format_problems(value):
        return value
    return DEFAULT_DATE_FORMAT
