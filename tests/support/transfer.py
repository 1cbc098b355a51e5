"""Import and export: Bear Blog CSVs of generated posts (the tests' and bench/imports.py's),
and a file brought in through the dashboard's upload, preview and confirm."""

import csv
import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from blog.transfer.export import posts_csv

UPLOAD_URL = "/dashboard/import/"
CSV_URL = "/dashboard/export/posts.csv"
ZIP_URL = "/dashboard/export/blog.zip"
LONG_AGO = datetime.datetime(2021, 6, 7, 8, 9, 10, tzinfo=datetime.UTC)

# Bodies that trip naive parsers: a fake header and fence inside code, CRLF, unicode,
# leading blank lines, quotes and commas, a "---" line.
TRICKY_BODIES = [
    "```yaml\ntitle: not the title\n---\nlink: nope\n```\n\nAfter the code.",
    "\n\nStarts with blank lines, ends without a newline",
    "Windows\r\nline ends\r\n\r\nand a paragraph\r\n",
    "Grüße, “quotes”, \"double\", 'single', a, b, c — 日本語 🐻 עברית\u200f",
    "title: looks like a header\n\nbut it is the body of a post with a header",
    "---\nA horizontal rule above, and `code` with | pipes |\n\n    indented code\n",
    "",
]
TAG_POOL = ["python", "Grüße", "日本", "with space", "c++", "a-b", "ünïcode"]


def generated_rows(count, seed=6):
    """Bear CSV rows for ``count`` posts: drafts, pages, scheduled posts, odd attributes."""
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    for n in range(count):
        published = LONG_AGO + datetime.timedelta(hours=7 * n)
        scheduled = n % 97 == 5
        if scheduled:
            published = now + datetime.timedelta(days=3 + n % 5)
        draft = n % 13 == 3
        yield {
            "uid": f"bear{n:05d}x",
            "title": rng.choice(["Post", "Entrée", "日記", "Notes: part", '"Quoted"']) + f" {n}",
            "slug": f"post-{n}" if n % 11 else f"grüße-{n}",
            "alias": f"/{2020 + n % 4}/old-{n}/" if n % 7 == 0 else "",
            "published_date": "" if draft else published.isoformat(),
            "all_tags": sorted(rng.sample(TAG_POOL, n % 4)),
            "publish": not draft,
            "make_discoverable": n % 5 != 0,
            "is_page": n % 50 == 1,
            "content": TRICKY_BODIES[n % len(TRICKY_BODIES)] + f"\n\nPost number {n}.",
            "canonical_url": f"https://elsewhere.example/{n}" if n % 9 == 0 else "",
            "meta_description": f"About post {n}, briefly." if n % 3 == 0 else "",
            "meta_image": "",
            "lang": "de" if n % 8 == 0 else "",
            "class_name": "wide note" if n % 10 == 0 else "",
            "first_published_at": "" if draft else published.isoformat(),
        }


def bear_csv(rows):
    return posts_csv(rows).encode()


def upload(client, name, data, follow=True):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data)}, follow=follow)


def preview(client, name, data):
    """Upload a file; the job it made (in preview)."""
    response = upload(client, name, data)
    assert response.status_code == 200
    assert "job" in response.context, response.context["form"].errors
    return response.context["job"]


def confirm(client, job, on_clash="suffix", accept_ignored=True):
    """Start the import, running what waits for the commit (the task) as a real commit
    would; columns the file has that are not imported are accepted unless told not to."""
    data = {"on_clash": on_clash}
    if accept_ignored:
        data["accept_ignored"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("bearcms_import:start", args=[job.pk]), data)


def import_file(client, name, data, on_clash="suffix"):
    """Upload, then confirm; the finished job."""
    job = preview(client, name, data)
    assert confirm(client, job, on_clash).status_code == 302
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job


def bear_csv_rows(text):
    """The rows of a CSV written in Bear's format (byte-order mark, spaced header), as
    dicts keyed by our column names (``published_date``)."""
    if isinstance(text, bytes):
        text = text.decode()
    assert text.startswith("\ufeff"), "Bear's export starts with a byte-order mark"
    reader = csv.DictReader(io.StringIO(text[1:], newline=""))
    reader.fieldnames = [name.replace(" ", "_") for name in reader.fieldnames]
    return list(reader)
