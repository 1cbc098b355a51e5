"""Appending many children to one page without treebeard's per-child work.

``Page.add_child`` locks and reads the parent, finds its last child and counts it again
for every child. An import appends thousands of posts to one blog under a lock it holds
already (``blog.transfer.tasks``), so it numbers the children itself with treebeard's
private path helpers (``_str2int``, ``_get_path``) and hands ``Page.save`` the parent
through treebeard's private parent cache (``_cached_parent_obj``).
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
    child._cached_parent_obj = parent  # read by Page.save instead of a query
