"""Where the tests find the checkout, whatever folder a test module sits in."""

from pathlib import Path

# The repository's root: manage.py, gunicorn.conf.py, deploy/, caddy/, bench/.
ROOT = Path(__file__).resolve().parents[2]
