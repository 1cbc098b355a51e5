"""Placing many children of one page without treebeard's per-child work.

``Page.add_child`` locks and reads the parent, finds its last child and counts it again
for every child. An import places thousands of posts in one blog (``blog.transfer.tasks``),
so it numbers the children itself with treebeard's private path helpers (``_str2int``,
``_get_path``).
"""

from wagtail.models import Page


def last_child_step(parent):
    """The number of ``parent``'s last child in its materialised path; 0 if none."""
    last_child = parent.get_last_child()
    return Page._str2int(last_child.path[-Page.steplen :]) if last_child else 0


def place_child(parent, child, step):
    """Give the unsaved ``child`` the depth and path of ``parent``'s child number ``step``."""
    child.depth = parent.depth + 1
    child.path = Page._get_path(parent.path, child.depth, step)
