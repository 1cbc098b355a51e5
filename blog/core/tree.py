"""Where a blog sits in Wagtail's page tree.

Every blog root (and the platform's own home page) is a child of the tree root, at depth
2; a blog's posts and pages are below it. So the blog root of any page is the first two
steps of the page's materialised path, and finding it needs no query.
"""

from wagtail.models import Page

ROOT_DEPTH = 2
ROOT_PATH_LENGTH = ROOT_DEPTH * Page.steplen


def blog_root_path(path):
    """The materialised path of the blog root above (or at) the page at ``path``."""
    return path[:ROOT_PATH_LENGTH]
