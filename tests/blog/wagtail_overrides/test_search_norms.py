"""A publish sets its own search entry's title norm from the newest entries' average
title length, without reading the rest of the index (blog.wagtail_overrides.search_norms)."""

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Avg, Value
from django.db.models.functions import Length
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from blog.models import PostPage
from blog.wagtail_overrides import search_norms

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="title norms are PostgreSQL's search index's"
)


def test_a_published_posts_entry_gets_its_title_norm(make_blogger, make_post):
    post = make_post(make_blogger(), title="Quinces")
    entries = IndexEntry.objects.annotate(title_length=Length("title"))
    average = entries.filter(title_length__gt=0).aggregate(Avg("title_length"))
    entry = entries.get(object_id=str(post.pk), content_type__model="postpage")
    assert entry.title_length == 1 and average["title_length__avg"] > 1
    assert entry.title_norm == pytest.approx(average["title_length__avg"])
    assert not entries.filter(title_norm=1.0, title_length__gt=0).exists()


def test_a_title_as_long_as_the_average_leaves_the_new_entries(make_blogger, make_post):
    """Its norm would be 1.0, the mark of an entry still to do: it is set a hair above."""
    make_post(make_blogger(), title="Quinces")
    IndexEntry.objects.update(title=SearchVector(Value("grey whales")), title_norm=1.0)
    search_norms.refresh_title_norms(get_search_backend().get_index_for_model(PostPage))
    norms = set(IndexEntry.objects.values_list("title_norm", flat=True))
    assert norms == {search_norms.SET_AT_ONE} and pytest.approx(1) == search_norms.SET_AT_ONE


def test_the_new_entries_are_found_through_their_own_index(make_blogger, make_post):
    make_post(make_blogger(), title="Quinces")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN UPDATE wagtailsearch_indexentry SET title_norm = 2 "
            "WHERE title_norm = 1.0 AND length(title) > 0"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_entry_new_title_norm" in plan
