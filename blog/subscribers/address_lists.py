"""Reading a list of email addresses the way bloggers have one: typed or pasted (one a
line, or separated by commas or semicolons, ``Name <address>`` too), or a file from
another service: Bear Blog's subscriber export (``email address,subscribed date``),
Mailchimp's audience export (``"Email Address","First Name",…``), Buttondown's or
Substack's (``email,…``), or a plain-text list.

A table's addresses are in the column its header names (``EMAIL_HEADERS``), or else, in
each row, in the first cell that holds an ``@``; names, dates and tags in the other
columns are never read. Every other entry of the list counts: one that is not an address is reported
as such, not dropped, so that a typo is seen and can be put right.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# A header cell naming the address column, lowercased, without spaces, dashes and
# underscores: "email address" (Bear Blog, Mailchimp), "email" (Buttondown, Substack,
# Ghost), "email_address" (ConvertKit), "E-mail"...
EMAIL_HEADERS = frozenset({"email", "emailaddress", "mail", "mailaddress"})
DELIMITERS = ",;\t"
# What separates the entries of a pasted list with several addresses on a line.
LIST_SEPARATORS = re.compile(r"[\n,;\t]")
# "Ann Smith <ann@example.com>", as mail programs copy an address.
NAMED_ADDRESS = re.compile(r"<([^<>]*)>$")
MAX_LENGTH = 254  # the longest address mail can carry (RFC 5321 with RFC 3696 erratum)


def list_entries(text):
    """The entries of a list, in order, blanks left out."""
    text = text.lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    delimiter = max(DELIMITERS, key=lines[0].count)
    # Read whole, not line by line: a quoted cell (Mailchimp's notes) may hold line breaks.
    try:
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = [row for row in rows if any(cell.strip() for cell in row)]
    except csv.Error:  # a NUL, or an unclosed quote running past csv's cell size limit
        rows = [[line] for line in lines]
    if not rows:
        return []
    column = header_column(rows[0])
    if column is not None:
        cells = [row[column] for row in rows[1:] if len(row) > column]
    elif any(line.count("@") > 1 for line in lines):
        cells = LIST_SEPARATORS.split("\n".join(lines))  # several addresses a line: a list
    else:  # a row without an address is an entry too, to be seen as not one
        cells = [next((cell for cell in row if "@" in cell), delimiter.join(row)) for row in rows]
    entries = (entry_address(cell) for cell in cells)
    return [entry for entry in entries if entry]


def header_column(row):
    """The index of the header cell that names an address column, or None."""
    names = [re.sub(r"[\s_-]", "", cell).lower() for cell in row]
    return next((i for i, name in enumerate(names) if name in EMAIL_HEADERS), None)


def entry_address(cell):
    """The address a cell holds: ``Name <address>`` gives the address; quotes go."""
    cell = cell.strip()
    named = NAMED_ADDRESS.search(cell)
    return (named[1] if named else cell).strip().strip("\"'").strip()


def sort_entries(entries):
    """(addresses, not addresses): each in the order met, each once.

    Addresses are written as the reader's form keeps them (the domain lowercased) and
    counted once however their case is written, as mail servers treat them.
    """
    addresses, invalid, seen = [], [], set()
    for entry in entries:
        key = entry.lower()
        if key in seen:
            continue
        seen.add(key)
        if len(entry) <= MAX_LENGTH and valid(entry):
            addresses.append(normal_address(entry))
        else:
            invalid.append(entry)
    return addresses, invalid


def valid(entry):
    try:
        validate_email(entry)
    except ValidationError:
        return False
    return True


def normal_address(email):
    """An address as subscribers keep it: the domain part is case-insensitive and is
    lowercased; the local part belongs to the mail server and stays as written."""
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"
