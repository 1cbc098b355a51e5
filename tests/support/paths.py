"""Where the tests find the checkout, whatever folder a test module sits in."""

from pathlib import Path

# The repository's root: manage.py, gunicorn.conf.py, deploy/, caddy/, bench/.
ROOT = Path(__file__).resolve().parents[2]
# Real files the tests upload (tests/files/README.md says where each comes from).
FILES = ROOT / "tests" / "files"
# A real web font (Source Code Pro Italic, WOFF2, 44 KB) for the /fonts/ tests.
FONT = FILES / "SourceCodePro-It.woff2"
