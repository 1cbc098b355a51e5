"""Several blogs under one account (home.blogs, blog.dashboard.blogs.current_blog): a
blogger starts another blog as at sign-up, switches between their blogs, and every
dashboard page works on the blog they are in, showing nothing of their other blogs'
posts, figures or subscribers. Deleting one blog leaves the others."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from blog.models import BlogPage, Hit, PostPage, Subscriber
from blog.subscribers import email_list
from home.models import ReleasedSubdomain
from tests.support.clients import PASSWORD
from tests.support.dashboard_forms import form_errors, settings_form, settings_url
from tests.support.transfer import CSV_URL, bear_csv, generated_rows, preview

BLOGS_URL = "/dashboard/your-blogs/"


def start(client, subdomain, title=""):
    return client.post(BLOGS_URL, {"subdomain": subdomain, "title": title})


def switch(client, blog):
    return client.post(BLOGS_URL, {"switch": str(blog.pk)})


@pytest.fixture
def first(make_blogger, make_post):
    blog = make_blogger("first", title="First words")
    make_post(blog, title="A post of the first blog", slug="of-first")
    return blog


@pytest.fixture
def client(first, login):
    return login(first.owner)


@pytest.fixture
def second(first, client, make_post):
    assert start(client, "second", "Second thoughts").status_code == 302
    blog = BlogPage.objects.get(subdomain="second")
    make_post(blog, title="A post of the second blog", slug="of-second")
    return blog


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Starting another blog ----------------------------------------------------------


def test_a_blogger_starts_another_blog_and_works_on_it_at_once(first, client):
    response = start(client, "Second", "Second thoughts")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    blog = BlogPage.objects.get(subdomain="second")  # read as a browser reads a host
    assert blog.owner == first.owner and blog.title == "Second thoughts"
    assert Site.objects.get(root_page=blog).hostname == "second.localhost"
    assert blog.group in first.owner.groups.all()
    home = page_text(client, reverse("wagtailadmin_home"))
    assert "Second thoughts" in home and "is ready at http://second.localhost" in home
    # The first blog is untouched and still listed.
    blogs = page_text(client, BLOGS_URL)
    assert "First words" in blogs and "Second thoughts" in blogs
    assert blogs.count("Work on this blog") == 1  # the first; the second is current


@pytest.mark.parametrize(
    "subdomain, message",
    [
        ("first", "“first” is taken"),
        ("www", "“www” is reserved"),
        ("my_notes", "Try “my-notes”"),
        ("-x-", "Use lowercase letters"),
        ("", "This field is required"),
    ],
)
def test_a_new_blogs_address_is_checked_as_at_sign_up(first, client, subdomain, message):
    response = start(client, subdomain)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "No blog was started" in response.content.decode()
    assert BlogPage.objects.filter(owner=first.owner).count() == 1


def test_a_deleted_blogs_address_rests_in_quarantine_for_new_blogs_too(first, client):
    ReleasedSubdomain.objects.create(subdomain="resting", released_at=timezone.now())
    response = start(client, "resting")
    assert "was used by a blog deleted recently" in response.content.decode()
    assert not BlogPage.objects.filter(subdomain="resting").exists()


def test_an_account_has_at_most_the_configured_number_of_blogs(first, client, settings):
    settings.MAX_BLOGS_PER_ACCOUNT = 2
    assert start(client, "second").status_code == 302
    page = page_text(client, BLOGS_URL)
    assert "You have 2 blogs, the most one account may have" in page
    assert 'name="subdomain"' not in page  # no form to fill in for nothing
    response = start(client, "third")  # sent anyway
    assert response.status_code == 200
    assert "the most one account may have" in response.content.decode()
    assert not BlogPage.objects.filter(subdomain="third").exists()


# --- Switching --------------------------------------------------------------------------


def test_the_menu_names_the_blog_being_worked_on(first, second, client):
    assert "Second thoughts" in page_text(client, reverse("wagtailadmin_home"))
    assert switch(client, first).status_code == 302
    home = page_text(client, reverse("wagtailadmin_home"))
    assert "You are working on First words now." in home
    assert '"label": "First words"' in home  # the sidebar's first item
    assert "A post of the first blog" in home and "A post of the second blog" not in home


def test_every_dashboard_page_works_on_the_blog_switched_to(first, second, client, make_post):
    Hit.objects.create(
        blog=first,
        post=PostPage.objects.child_of(first).get(),
        day=timezone.now().date(),
        referrer_host="first-referrer.example",
    )
    Hit.objects.create(
        blog=second,
        post=PostPage.objects.child_of(second).get(),
        day=timezone.now().date(),
        referrer_host="second-referrer.example",
    )
    Subscriber.objects.create(
        blog=first, email="reader-of-first@example.org", confirmed_at=timezone.now()
    )
    Subscriber.objects.create(
        blog=second, email="reader-of-second@example.org", confirmed_at=timezone.now()
    )
    for blog, other in [(first, second), (second, first)]:
        switch(client, blog)
        mine, theirs = blog.subdomain, other.subdomain
        posts = page_text(client, reverse("posts:index"))
        assert f"A post of the {mine} blog" in posts and f"of the {theirs} blog" not in posts
        settings_page = page_text(client, settings_url())
        assert f'value="{blog.title}"' in settings_page
        analytics = page_text(client, reverse("bearcms_analytics") + f"?days=30&blog={other.pk}")
        assert f"{mine}-referrer.example" in analytics
        assert f"{theirs}-referrer.example" not in analytics
        subscribers = page_text(client, "/dashboard/subscribers/")
        assert f"reader-of-{mine}@" in subscribers and f"reader-of-{theirs}@" not in subscribers
        exported = page_text(client, CSV_URL)
        assert f"of-{mine}" in exported and f"of-{theirs}" not in exported
        new_post = client.get(reverse("posts:choose_parent"))
        assert new_post["Location"] == reverse(
            "wagtailadmin_pages:add", args=["blog", "postpage", blog.pk]
        )
        explorer = client.get(reverse("wagtailadmin_explore", args=[Page.get_first_root_node().pk]))
        assert explorer["Location"] == reverse("wagtailadmin_explore", args=[blog.pk])


def test_settings_saved_go_to_the_blog_switched_to_only(first, second, client):
    switch(client, first)
    response = client.post(settings_url(), settings_form(first, title="First, renamed"))
    assert response.status_code == 302, form_errors(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, second.title) == ("First, renamed", "Second thoughts")


def test_posts_imported_go_into_the_blog_switched_to(first, second, client):
    switch(client, first)
    job = preview(client, "posts.csv", bear_csv(list(generated_rows(3))))
    assert job.blog_id == first.pk
    # The job belongs to the first blog: working on the second, it is not found.
    switch(client, second)
    assert client.get(reverse("bearcms_import:job", args=[job.pk])).status_code == 404


def test_a_blog_of_another_account_cannot_be_switched_to(first, client, make_blogger):
    stranger = make_blogger("stranger", title="Not yours")
    for value in [str(stranger.pk), "x", "١", "", "9" * 30]:
        assert client.post(BLOGS_URL, {"switch": value}).status_code == 404
    home = page_text(client, reverse("wagtailadmin_home"))
    assert "Not yours" not in home and "First words" in home
    assert "Not yours" not in page_text(client, BLOGS_URL)


def test_a_stale_choice_in_the_session_falls_back_to_the_first_blog(first, second, client):
    switch(client, second)
    BlogPage.objects.get(pk=second.pk).delete()
    assert "First words" in page_text(client, reverse("bearcms_blog_settings"))


def test_switching_is_a_post_so_no_link_elsewhere_can_do_it(first, second, client):
    response = client.get(BLOGS_URL, {"switch": first.pk})
    assert response.status_code == 200
    assert 'value="Second thoughts"' in page_text(client, reverse("bearcms_blog_settings"))


# --- Deleting one of several ------------------------------------------------------------


def test_deleting_one_blog_leaves_the_others(first, second, client):
    switch(client, first)
    page = page_text(client, "/dashboard/account/delete/")
    assert "This blog only, first" in page and "All 2 of my blogs and my account" in page
    assert "leaves your other blog as it is" in page
    response = client.post(
        "/dashboard/account/delete/", {"what": "blog", "subdomain": "first", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not BlogPage.objects.filter(pk=first.pk).exists()
    assert PostPage.objects.child_of(second).count() == 1
    assert "Second thoughts" in page_text(client, reverse("wagtailadmin_home"))


def test_deleting_the_account_deletes_every_blog_of_it(first, second, client, make_blogger):
    other = make_blogger("bystander")
    response = client.post(
        "/dashboard/account/delete/",
        {"what": "account", "subdomain": "second", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert not BlogPage.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert BlogPage.objects.filter(pk=other.pk).exists()
    released = ReleasedSubdomain.objects.filter(subdomain__in=["first", "second"])
    assert released.count() == 2
    assert all(row.released_at > timezone.now() - datetime.timedelta(minutes=1) for row in released)


# --- What review found ----------------------------------------------------------------------


def test_a_form_left_open_on_another_blog_saves_nothing(first, second, client):
    switch(client, first)
    stale_action = client.get(settings_url()).context["action_url"]  # the form, for first
    assert stale_action.endswith(f"?for_blog={first.pk}")
    switch(client, second)  # in another tab
    response = client.post(stale_action, settings_form(first, title="First, from a stale tab"))
    assert response.status_code == 302 and response["Location"] == settings_url()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.title, second.title) == ("First words", "Second thoughts")
    page = html.unescape(client.get(settings_url()).content.decode())
    assert "Nothing was saved: this page was open on another of your blogs" in page


@pytest.mark.parametrize("url", ["/dashboard/domain/address/", "/dashboard/import/"])
def test_other_forms_of_a_blog_refuse_a_stale_tab_too(first, second, client, url):
    response = client.post(f"{url}?for_blog={first.pk}", {"subdomain": "stale"})
    assert response.status_code == 302 and response["Location"] == url
    assert not BlogPage.objects.filter(subdomain="stale").exists()


def test_blogs_of_one_account_ask_no_more_people_in_all_than_one_blog(first, client, monkeypatch):
    monkeypatch.setattr(email_list, "ASKED_PER_DAY_UNREVIEWED", 3)
    url = "/dashboard/subscribers/import/"
    pages = []
    for round_ in range(2):
        start(client, f"round{round_}")
        response = client.post(url, {"addresses": f"a{round_}@example.org\nb{round_}@example.org"})
        pages.append(html.unescape(response.content.decode()))
        BlogPage.objects.get(subdomain=f"round{round_}").delete()  # and start again
    assert "Asked 2 people to confirm" in pages[0]
    assert "your blog can ask 1 more today" in pages[1]
    assert not Subscriber.objects.filter(email__startswith="a1").exists()


def test_an_account_with_a_blocked_blog_starts_no_other(first, client):
    BlogPage.objects.filter(pk=first.pk).update(blocked=True)
    response = start(client, "fresh")
    assert "Staff have blocked one of your blogs" in html.unescape(response.content.decode())
    assert not BlogPage.objects.filter(subdomain="fresh").exists()


def test_an_account_starts_at_most_three_blogs_a_day(first, client):
    for name in ["one", "two", "three"]:
        assert start(client, name).status_code == 302
        BlogPage.objects.get(subdomain=name).delete()  # deleting does not give one back
    response = start(client, "four")
    assert "You have started 3 blogs today" in response.content.decode()
    assert not BlogPage.objects.filter(subdomain="four").exists()
