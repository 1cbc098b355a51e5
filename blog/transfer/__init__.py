"""A blogger's import (Bear's CSV, Markdown files) and export (CSV, a ZIP of Markdown)."""
