"""The dodginess score: staff's term lists, links to other sites and brand-new accounts
posting a lot; stored on save and after the lists change, and a reviewed blog that crosses
the threshold leaves discovery until staff approve it again."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from blog.models import BlogPage, ModerationSettings, PostPage
from blog.moderation import dodginess
from blog.moderation.dodginess import (
    BLACKLISTED_TERM_POINTS,
    HIGHLIGHT_TERM_POINTS,
    NEW_ACCOUNT_POINTS,
    NEW_ACCOUNT_POSTS,
    SCORED_POSTS,
    Findings,
    external_link_count,
    found_terms,
    rescore_all_blogs,
    term_pattern,
)
from blog.moderation.flags import set_blog_flags
from tests.support.admin_menu import menu_item_names
from tests.support.dashboard_forms import blog_form, edit_url, form_errors
from tests.support.discovery import LONG_BODY
from tests.support.moderation import established, moderation

# Wagtail redirects this address to the edit view of the one settings row.
SETTINGS_URL_ARGS = ["blog", "moderationsettings"]
SETTINGS_URL = reverse("wagtailsettings:edit", args=SETTINGS_URL_ARGS)
OWN_HOSTS = {"mine.localhost", "mine.example"}


def stored_score(blog):
    return BlogPage.objects.values_list("dodginess", flat=True).get(pk=blog.pk)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the on-commit callbacks (the rescoring tasks) at the end of
    the block, as a real commit would (each test runs in a transaction never committed)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- Terms -----------------------------------------------------------------------------


def test_a_term_matches_whole_words_only():
    assert found_terms("casino", "Win at the casino!") == {"casino"}
    assert found_terms("casino", "casinos and pcasino") == set()


def test_terms_match_in_any_case():
    assert found_terms("Crypto", "CRYPTO gains") == {"crypto"}


def test_a_phrase_matches_across_any_whitespace():
    assert found_terms("free money", "Get FREE\n   money now") == {"free money"}
    assert found_terms("free money", "free moneybags") == set()


def test_a_phrase_does_not_hide_a_shorter_term_inside_it():
    assert found_terms("free money\nmoney", "free money") == {"free money", "money"}


def test_each_term_counts_once_however_often_it_occurs():
    assert found_terms("loan\nbet", "loan loan loan bet") == {"loan", "bet"}


def test_terms_with_punctuation_or_regex_characters_match_literally():
    assert found_terms("c++\nv1.0", "I write C++ daily") == {"c++"}
    assert found_terms("v1.0", "v1x0") == set()


def test_empty_lists_and_blank_lines_match_nothing():
    assert found_terms("", "anything at all") == set()
    assert found_terms("\n  \n", "anything at all") == set()
    assert term_pattern(" \n") is None


def test_a_list_compiles_once_and_afresh_when_edited():
    assert term_pattern("spam\neggs") is term_pattern("spam\neggs")
    assert term_pattern("spam\neggs").search("ham") is None
    assert term_pattern("spam\nham").search("ham") is not None


def points(text, html, moderation):
    """The score of one text and its HTML alone."""
    findings = Findings(OWN_HOSTS, moderation)
    findings.read(text, html)
    return findings.points()


def test_terms_score_by_list():
    settings = ModerationSettings(highlight_terms="loan\nbet", blacklisted_terms="viagra")
    text = "A loan, a bet and viagra"
    expected = 2 * HIGHLIGHT_TERM_POINTS + BLACKLISTED_TERM_POINTS
    assert points(text, "", settings) == expected


# --- Links and new accounts ------------------------------------------------------------


def links(*urls):
    return "".join(f'<a href="{url}">x</a>' for url in urls)


def test_links_to_other_hosts_are_external():
    html = links("https://spam.example/a", "http://other.test", "//cdn.test/x")
    assert external_link_count(html, OWN_HOSTS) == 3


def test_links_to_the_blog_itself_are_not():
    html = links(
        "/about/",
        "#top",
        "https://mine.localhost/post/",
        "https://MINE.example:8000/",
        "https://www.mine.example/",
        "mailto:me@spam.example",
    )
    assert external_link_count(html, OWN_HOSTS) == 0


@pytest.mark.parametrize(("count", "expected"), [(10, 0), (14, 0), (15, 1), (24, 2), (25, 3)])
def test_external_links_beyond_ten_cost_a_point_per_five(count, expected):
    html = links(*(f"https://site{n}.example/" for n in range(count)))
    assert points("", html, ModerationSettings()) == expected


def test_the_blogs_markdown_links_count_once_rendered(make_blogger, make_post, commit):
    blog = make_blogger()
    body = "\n\n".join(f"[site {n}](https://site{n}.example/)" for n in range(15))
    with commit():
        make_post(blog, body=body + f"\n\n[own](https://{blog.subdomain}.localhost/)")
    assert stored_score(blog) == 1


def test_a_brand_new_account_with_many_posts_scores(make_blogger, make_post, commit):
    blog = make_blogger()
    with commit():
        for n in range(NEW_ACCOUNT_POSTS):
            make_post(blog, title=f"Post {n}", slug=f"post-{n}")
    assert stored_score(blog) == 0
    with commit():
        make_post(blog, title="One too many", slug="one-too-many")
    assert stored_score(blog) == NEW_ACCOUNT_POINTS


def test_an_older_account_may_post_as_much_as_it_likes(make_blogger, make_post, commit):
    blog = make_blogger()
    blog.owner.date_joined = timezone.now() - timedelta(days=8)
    blog.owner.save()
    with commit():
        for n in range(NEW_ACCOUNT_POSTS + 1):
            make_post(blog, title=f"Post {n}", slug=f"post-{n}")
    assert stored_score(blog) == 0


# --- Stored when blogs and posts are saved ---------------------------------------------


def test_publishing_a_post_stores_the_blogs_score(make_blogger, make_post, commit):
    moderation(blacklisted="casino")
    blog = make_blogger()
    with commit():
        make_post(blog, body="The best casino in town")
    assert stored_score(blog) == BLACKLISTED_TERM_POINTS


def test_a_draft_does_not_count(make_blogger, make_post, commit):
    moderation(blacklisted="casino")
    blog = make_blogger()
    with commit():
        make_post(blog, body="The best casino in town", live=False)
    assert stored_score(blog) == 0


def test_posts_dated_years_ahead_do_not_push_the_spam_out(make_blogger, make_post, commit):
    moderation(blacklisted="casino")
    blog = make_blogger()
    old_account = timezone.now() - timedelta(days=30)  # no new-account points
    get_user_model().objects.filter(pk=blog.owner.pk).update(date_joined=old_account)
    make_post(blog, body="The best casino in town")
    ahead = timezone.now() + timedelta(days=3650)
    for n in range(25):
        make_post(blog, title=f"Clean {n}", body="Nothing to see", published_date=ahead)
    with commit():
        make_post(blog, title="Trigger", body="Still nothing")
    assert stored_score(blog) == BLACKLISTED_TERM_POINTS


def reviewed(blog):
    return BlogPage.objects.values_list("reviewed", flat=True).get(pk=blog.pk)


def test_spam_dated_years_back_is_scored_behind_newer_posts(make_blogger, make_post, commit):
    moderation(blacklisted="casino")
    blog = set_blog_flags(established(make_blogger()), reviewed=True)
    for n in range(SCORED_POSTS + 5):
        make_post(blog, title=f"Clean {n}", slug=f"clean-{n}", body=LONG_BODY)
    with commit():
        spam = make_post(
            blog,
            title="Old news",
            body="The best casino in town. " + LONG_BODY,
            published_date=datetime(2015, 3, 4, tzinfo=UTC),
        )
    assert stored_score(blog) == BLACKLISTED_TERM_POINTS
    assert not reviewed(blog) and not PostPage.objects.get(pk=spam.pk).in_discovery


def test_spam_is_scored_however_many_posts_follow_it_before_the_rescoring_runs(
    make_blogger, make_post, commit
):
    moderation(blacklisted="casino")
    blog = set_blog_flags(established(make_blogger()), reviewed=True)
    with commit():  # every rescoring runs after the last of these posts is published
        make_post(blog, title="Spam", body="The best casino in town. " + LONG_BODY)
        for n in range(SCORED_POSTS):
            make_post(blog, title=f"Clean {n}", slug=f"clean-{n}", body=LONG_BODY)
    assert not reviewed(blog)


def test_scheduled_spam_is_scored_when_it_is_scheduled(make_blogger, make_post, commit):
    moderation(blacklisted="casino")
    blog = set_blog_flags(established(make_blogger()), reviewed=True)
    with commit():
        make_post(
            blog,
            title="Tomorrow",
            body="The best casino in town. " + LONG_BODY,
            published_date=timezone.now() + timedelta(days=1),
        )
    assert not reviewed(blog)  # nothing rescores the blog when the date comes


def test_a_rescoring_reads_the_top_of_the_blog_and_what_changed_not_its_archive(
    make_blogger, make_post, commit, monkeypatch
):
    monkeypatch.setattr(dodginess, "SCORED_POSTS", 3)
    moderation(highlight="crypto")
    blog = established(make_blogger())
    archived = make_post(
        blog, title="Archived", body="Crypto tips", published_date=timezone.now() - timedelta(30)
    )
    for n in range(3):
        make_post(blog, title=f"Recent {n}", slug=f"recent-{n}", body="Baking")
    with commit():
        make_post(blog, title="Trigger", body="Still baking")
    assert stored_score(blog) == 0  # the archive is not read again on every save...
    archived.body = "Crypto tips, updated"
    with commit():
        archived.save_revision(user=blog.owner).publish()
    assert stored_score(blog) == HIGHLIGHT_TERM_POINTS  # ...but what changed is, whatever its date


def test_saving_the_blog_stores_its_score(make_blogger, login, commit):
    moderation(highlight="crypto")
    blog = make_blogger()
    with commit():
        response = login(blog.owner).post(edit_url(blog), blog_form(blog, home_content="Crypto!"))
    assert response.status_code == 302, form_errors(response)
    assert stored_score(blog) == HIGHLIGHT_TERM_POINTS


def test_a_blogger_cannot_set_the_score_in_the_blog_form(make_blogger, login):
    blog = make_blogger()
    BlogPage.objects.filter(pk=blog.pk).update(dodginess=7)
    client = login(blog.owner)
    assert 'name="dodginess"' not in client.get(edit_url(blog)).content.decode()
    # No rescoring runs here (nothing commits): what is stored is what the publish wrote.
    response = client.post(edit_url(blog), blog_form(blog, dodginess="0", title="Renamed"))
    assert response.status_code == 302, form_errors(response)
    assert BlogPage.objects.get(pk=blog.pk).title == "Renamed"
    assert stored_score(blog) == 7


# --- Rescored when staff change the lists ----------------------------------------------


def settings_urls():
    """The address staff follow, and the edit view of the row it redirects to."""
    row = ModerationSettings.load()
    return [SETTINGS_URL, reverse("wagtailsettings:edit", args=[*SETTINGS_URL_ARGS, row.pk])]


def save_settings_as(client, url=None, **fields):
    data = {"highlight_terms": "", "blacklisted_terms": "", "threshold": "10", **fields}
    return client.post(url or settings_urls()[-1], data)


def test_saving_the_settings_rescores_every_blog(make_blogger, make_post, login, superuser, commit):
    dodgy, clean = make_blogger(), make_blogger()
    make_post(dodgy, body="Cheap loans here")
    make_post(clean, body="Cheap flights here")
    with commit():
        response = save_settings_as(login(superuser), highlight_terms="loans\n")
    assert response.status_code == 302
    assert ModerationSettings.load().highlight_terms.strip() == "loans"
    assert (stored_score(dodgy), stored_score(clean)) == (HIGHLIGHT_TERM_POINTS, 0)


def test_rescoring_every_blog_goes_chunk_by_chunk(make_blogger, make_post, monkeypatch):
    monkeypatch.setattr(dodginess, "RESCORE_CHUNK", 2)
    blogs = [make_blogger(title="Bet on me") for _ in range(5)]
    moderation(highlight="bet")
    rescore_all_blogs.call()
    assert [stored_score(blog) for blog in blogs] == [HIGHLIGHT_TERM_POINTS] * 5


def test_bloggers_cannot_open_or_save_the_settings(make_blogger, login):
    client = login(make_blogger().owner)
    for url in settings_urls():
        assert client.get(url).status_code == 403
        assert save_settings_as(client, url, blacklisted_terms="anything").status_code == 403
    assert ModerationSettings.load().blacklisted_terms == ""


def test_only_staff_see_the_moderation_terms_menu_item(make_blogger, superuser):
    assert "moderation-terms" not in menu_item_names(make_blogger().owner)
    assert "moderation-terms" in menu_item_names(superuser)


# --- The threshold ---------------------------------------------------------------------


@pytest.fixture
def approved_blog(make_blogger, make_post):
    """A reviewed blog with a post in discovery that mentions a casino."""
    blog = set_blog_flags(make_blogger(), reviewed=True)
    blog.post = make_post(blog, body="A casino story. " + LONG_BODY)
    assert PostPage.objects.get(pk=blog.post.pk).in_discovery
    return blog


def reviewed_and_listed(blog):
    reviewed = BlogPage.objects.values_list("reviewed", flat=True).get(pk=blog.pk)
    return reviewed, PostPage.objects.get(pk=blog.post.pk).in_discovery


def test_crossing_the_threshold_unapproves_and_leaves_discovery(
    approved_blog, login, superuser, commit
):
    with commit():
        save_settings_as(login(superuser), blacklisted_terms="casino")
    assert stored_score(approved_blog) == BLACKLISTED_TERM_POINTS
    assert reviewed_and_listed(approved_blog) == (False, False)
    entry = PageLogEntry.objects.filter(page=approved_blog, action="bearcms.moderate").latest(
        "timestamp"
    )
    assert entry.user is None
    assert entry.data == {"flags": {"reviewed": False}}


def test_a_score_below_the_threshold_keeps_the_approval(approved_blog):
    moderation(highlight="casino")
    rescore_all_blogs.call()
    assert stored_score(approved_blog) == HIGHLIGHT_TERM_POINTS
    assert reviewed_and_listed(approved_blog) == (True, True)


def test_staff_approving_again_sticks_while_the_score_rises(approved_blog, make_post, commit):
    moderation(blacklisted="casino\npoker")
    rescore_all_blogs.call()
    assert reviewed_and_listed(approved_blog) == (False, False)
    set_blog_flags(BlogPage.objects.get(pk=approved_blog.pk), reviewed=True)
    with commit():
        make_post(approved_blog, title="Poker", slug="poker", body="Poker night")
    assert stored_score(approved_blog) == 2 * BLACKLISTED_TERM_POINTS
    assert reviewed_and_listed(approved_blog) == (True, True)


def test_an_unreviewed_blog_crossing_the_threshold_gets_no_log_entry(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, body="casino")
    moderation(blacklisted="casino")
    rescore_all_blogs.call()
    assert stored_score(blog) == BLACKLISTED_TERM_POINTS
    assert not PageLogEntry.objects.filter(page=blog, action="bearcms.moderate").exists()
