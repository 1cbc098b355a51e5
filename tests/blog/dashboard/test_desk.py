"""The writing desk: the blogger's home, Posts, Settings, Theme and Domain, and what
publishing a post says."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageLogEntry, Site

from blog.analytics.rollups import roll_up_finished_days
from blog.dashboard.posts import post_status
from blog.models import Hit, PostPage
from tests.support.admin_menu import menu_item_names
from tests.support.clients import host_client
from tests.support.dashboard_forms import DATE_FORMAT, add_url, post_form

POSTS = "/dashboard/posts/"


@pytest.fixture
def blog(make_blogger):
    return make_blogger("writer", title="Writer's notes")


@pytest.fixture
def desk(blog, login):
    return login(blog.owner)


def later(days=3):
    return timezone.now() + datetime.timedelta(days=days)


# --- Home ------------------------------------------------------------------------------


def test_a_new_bloggers_home_links_the_blog_and_starts_a_post(desk, blog):
    html = desk.get("/dashboard/").content.decode()
    assert "Writer&#x27;s notes" in html
    assert f'href="{blog.get_full_url()}"' in html
    assert f'href="{add_url(blog)}"' in html  # New post: straight to the editor
    assert f'href="{add_url(blog)}?kind=page"' in html
    assert "Start with your first post" in html
    # None of Wagtail's CMS summary.
    assert "Search all pages" not in html
    assert "Your most recent edits" not in html


def test_the_home_lists_the_latest_posts_with_their_state(desk, blog, make_post):
    make_post(blog, title="Out now")
    make_post(blog, title="Not yet", published_date=later())
    make_post(blog, title="Half done", live=False)
    html = desk.get("/dashboard/").content.decode()
    assert "Start with your first post" not in html
    assert re.search(r"Out now</a>.*?<td>Live</td>", html, re.S)
    assert re.search(r"Not yet</a>.*?<td>Scheduled for ", html, re.S)
    assert re.search(r"Half done</a>.*?<td>Draft</td>", html, re.S)


def test_staff_keep_wagtails_home(staff_client):
    assert "Search all pages" in staff_client.get("/dashboard/").content.decode()


# --- Posts -----------------------------------------------------------------------------


def test_post_status_reads_as_a_person_says_it(blog, make_post):
    live = make_post(blog, title="Live one")
    assert post_status(live) == "Live"
    live.title = "Changed"
    live.save_revision(user=blog.owner)
    live.refresh_from_db()
    assert post_status(live) == "Live with unpublished changes"
    assert post_status(make_post(blog, title="Draft one", live=False)) == "Draft"
    scheduled = make_post(blog, title="Later one", published_date=later())
    assert post_status(scheduled).startswith("Scheduled for ")
    assert scheduled.status_string == "scheduled"  # what Wagtail's own screens show


def test_posts_lists_the_bloggers_posts_with_dates_status_kind_tags_reads_and_upvotes(
    desk, blog, make_post, make_blogger
):
    post = make_post(blog, title="Counted", tags=["cats"])
    PostPage.objects.filter(pk=post.pk).update(upvote_count=7)
    for _ in range(3):
        Hit.objects.create(post=post, blog=blog, day=timezone.now().date())
    make_post(blog, title="About me", is_page=True)
    other = make_blogger("other")
    make_post(other, title="Somebody else's", tags=["dogs"])
    response = desk.get(POSTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Somebody else" not in html and "dogs" not in html
    row = re.search(r"Counted.*?</tr>", html, re.S).group(0)
    cells = [
        re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[-4:] == ["Post", "cats", "3", "7"]  # kind, tags, reads, upvotes
    assert re.search(r"About me.*?Page", html, re.S)


def test_posts_filters_by_status_kind_and_tag(desk, blog, make_post):
    make_post(blog, title="Live post", tags=["cats"])
    make_post(blog, title="Draft post", live=False)
    make_post(blog, title="Scheduled post", published_date=later())
    make_post(blog, title="A page", is_page=True)

    def titles(query):
        html = desk.get(f"{POSTS}?{query}").content.decode()
        return {t for t in ("Live post", "Draft post", "Scheduled post", "A page") if t in html}

    assert titles("status=draft") == {"Draft post"}
    assert titles("status=scheduled") == {"Scheduled post"}
    assert titles("status=live") == {"Live post", "A page"}
    assert titles("kind=page") == {"A page"}
    assert titles("tag=cats") == {"Live post"}
    assert titles("q=Scheduled") == {"Scheduled post"}


def test_the_tag_filter_offers_only_the_bloggers_own_post_tags(desk, blog, make_post, make_blogger):
    make_post(blog, tags=["mine"])
    make_post(make_blogger("other"), tags=["theirs"])
    image = get_image_model().objects.create(
        title="A photo", file=get_test_image_file(), collection=blog.collection
    )
    image.tags.add("photos")
    html = desk.get(POSTS).content.decode()
    assert 'value="mine"' in html
    assert "theirs" not in html and 'value="photos"' not in html


def test_new_page_opens_the_editor_with_page_ticked(desk, blog):
    form = desk.get(f"{add_url(blog)}?kind=page").context["form"]
    assert form["is_page"].value() is True
    assert desk.get(add_url(blog)).context["form"]["is_page"].value() is False


# --- Publishing -------------------------------------------------------------------------


def test_publishing_says_published_and_links_the_live_post(desk, blog):
    data = {"title": "Now", "slug": "now"}
    response = desk.post(add_url(blog), {**post_form(**data), "action-publish": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == POSTS
    message = _messages(response)
    assert "Published “Now”." in message
    assert "View post" in message and "writer.localhost" in message


def test_a_post_with_a_date_to_come_is_scheduled_everywhere(desk, blog):
    when = later()
    data = post_form(title="Soon", slug="soon", published_date=when.strftime(DATE_FORMAT))
    response = desk.post(add_url(blog), {**data, "action-publish": "1"}, follow=True)
    message = _messages(response)
    assert "Scheduled “Soon” for " in message
    assert "View post" not in message and "Preview" in message
    assert "Scheduled for " in response.content.decode()  # the Posts list it lands on
    post = PostPage.objects.get(slug="soon")
    assert post.live and post.status_string == "scheduled"
    # The blog's readers do not see it yet.
    assert host_client(blog).get("/soon/").status_code == 404


def test_publish_is_the_post_editors_main_button(desk, blog):
    html = desk.get(add_url(blog)).content.decode()
    footer = html[html.index("<footer") :]
    assert footer.index('name="action-publish"') < footer.index("Save draft")


def _messages(response):
    return " ".join(str(m.message) for m in response.context["messages"])


# --- Settings, Theme and Domain ------------------------------------------------------


def settings_data(blog, **fields):
    data = {
        "title": blog.title,
        "meta_description": blog.meta_description,
        "home_content": blog.home_content,
        "nav": blog.nav,
        "lang": blog.lang,
        "date_format": blog.date_format,
        "discoverable": "on",
        "email_notifications": "on",
        "favicon_emoji": "",
        "favicon_image": "",
        "robots_txt": "",
    }
    return {**data, **fields}


def test_settings_apply_on_a_single_save_and_go_in_the_history(desk, blog):
    response = desk.post("/dashboard/settings/", settings_data(blog, title="Renamed notes"))
    assert response.status_code == 302
    assert "<h1>Renamed notes</h1>" in host_client(blog).get("/").content.decode()
    blog.refresh_from_db()
    assert blog.title == "Renamed notes" and not blog.has_unpublished_changes
    assert PageLogEntry.objects.filter(page=blog, action="wagtail.publish").exists()
    # Wagtail's name for the blog (the staff dashboard's heading) follows the title.
    assert Site.objects.get(root_page=blog).site_name == "Renamed notes"
    message = _messages(desk.get("/dashboard/settings/"))
    assert "Saved" in message


def test_settings_errors_keep_what_was_typed(desk, blog):
    response = desk.post("/dashboard/settings/", settings_data(blog, title="", nav="x" * 6000))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "nav"}
    assert "x" * 6000 in response.content.decode()
    blog.refresh_from_db()
    assert blog.title == "Writer's notes"


def test_settings_publish_only_themselves_and_keep_a_draft_a_draft(desk, blog):
    blog.save_revision(user=blog.owner).publish()
    blog.refresh_from_db()
    live_home = blog.home_content
    blog.home_content = "A draft welcome"
    blog.save_revision(user=blog.owner)
    blog.refresh_from_db()
    desk.post("/dashboard/settings/", settings_data(blog, title="Renamed"))
    blog.refresh_from_db()
    assert blog.title == "Renamed" and blog.home_content == live_home
    assert blog.has_unpublished_changes
    draft = blog.get_latest_revision_as_object()
    assert draft.title == "Renamed" and draft.home_content == "A draft welcome"


def test_the_theme_applies_on_save_and_every_theme_has_a_preview(desk, blog):
    html = desk.get("/dashboard/theme/").content.decode()
    for theme in ("default", "serif", "dark", "mono"):
        assert f'src="/dashboard/theme/preview/{theme}/"' in html
    dark_preview = desk.get("/dashboard/theme/preview/dark/")
    assert dark_preview.status_code == 200
    assert dark_preview.content != desk.get("/dashboard/theme/preview/default/").content
    blog.refresh_from_db()
    assert blog.theme == "default"  # a preview saves nothing
    assert desk.get("/dashboard/theme/preview/no-such-theme/").status_code == 404
    response = desk.post("/dashboard/theme/", {"theme": "dark", "custom_css": "h1{color:red}"})
    assert response.status_code == 302
    page = host_client(blog).get("/").content.decode()
    assert "h1{color:red}" in page
    assert page.count("<style>") == 1
    blog.refresh_from_db()
    assert blog.theme == "dark"


def test_the_domain_page_explains_the_dns_records_and_refuses_the_platforms_own(
    desk, blog, settings
):
    html = desk.get("/dashboard/domain/").content.decode()
    assert settings.CUSTOM_DOMAIN_TARGET in html and "CNAME" in html
    response = desk.post("/dashboard/domain/", {"custom_domain": "x.localhost"})
    assert response.status_code == 200
    assert "belongs to" in str(response.context["form"].errors["custom_domain"])


def test_desk_pages_need_a_blog(staff_client, blog, login):
    no_blog = type(blog.owner).objects.create_user("nobody", "nobody@example.com", "pw-1-long")
    no_blog.groups.add(blog.group)  # a writer of the blog, not its owner
    urls = ["/dashboard/settings/", "/dashboard/theme/", "/dashboard/domain/"]
    urls += ["/dashboard/theme/preview/dark/", f"{POSTS}choose_parent/"]
    for client in (staff_client, login(no_blog)):
        for url in urls:
            assert client.get(url).status_code == 404, url


# --- Menus ----------------------------------------------------------------------------


def test_a_bloggers_menu_is_the_writing_desk(blog, staff):
    names = menu_item_names(blog.owner)
    assert {"posts", "blog-settings", "blog-theme", "blog-domain"} <= names
    assert "explorer" not in names
    staff_names = menu_item_names(staff)
    assert "explorer" in staff_names and "blog-settings" not in staff_names


def test_bloggers_get_no_wagtail_news_in_the_help_menu(desk):
    html = desk.get(POSTS).content.decode()
    assert "Editor Guide" not in html and "new in Wagtail" not in html
    assert "Shortcuts" in html  # the rest of the help menu stays


def test_posts_searches_within_every_filter_and_sort(desk, blog, make_post):
    make_post(blog, title="Needle live", tags=["cats"])
    make_post(blog, title="Needle draft", live=False)
    make_post(blog, title="Needle page", is_page=True)
    queries = [
        "status=draft",
        "status=scheduled",
        "status=live",
        "status=changed",
        "kind=post",
        "kind=page",
        "tag=cats",
        *(
            f"ordering={sign}{field}"
            for sign in ("", "-")
            for field in ("title", "published_date", "upvote_count", "reads")
        ),
    ]
    for query in queries:
        response = desk.get(f"{POSTS}?q=Needle&{query}")
        assert response.status_code == 200, query
    html = desk.get(f"{POSTS}?q=Needle&kind=page").content.decode()
    assert "Needle page" in html and "Needle live" not in html
    html = desk.get(f"{POSTS}?q=Needle&tag=cats").content.decode()
    assert "Needle live" in html and "Needle draft" not in html


def test_drafts_come_first_then_the_newest_posts(desk, blog, make_post):
    make_post(blog, title="Older", published_date=timezone.now() - datetime.timedelta(days=2))
    make_post(blog, title="Newer")
    make_post(blog, title="Undated draft", live=False, published_date=None)
    html = desk.get(POSTS).content.decode()
    assert html.index("Undated draft") < html.index("Newer") < html.index("Older")


def test_choosing_a_parent_leads_to_a_new_post_of_ones_own_blog(desk, blog, make_blogger):
    other = make_blogger("other", title="Somebody else's secret")
    for response in (
        desk.get(f"{POSTS}choose_parent/"),
        desk.post(f"{POSTS}choose_parent/", {"parent_page": other.pk}),
    ):
        assert response.status_code == 302 and response["Location"] == add_url(blog)
        assert "secret" not in response.content.decode()


def test_posts_counts_reads_of_days_rolled_up_and_their_hits_deleted(desk, blog, make_post):
    post = make_post(blog, title="Long read")
    today = timezone.now().date()
    for days_ago in (90, 40, 2, 0):  # 90 and 40 days ago: rolled up, then deleted
        day = today - datetime.timedelta(days=days_ago)
        created = timezone.now() - datetime.timedelta(days=days_ago)
        Hit.objects.create(post=post, blog=blog, day=day, created_at=created)
    roll_up_finished_days(today)
    assert Hit.objects.filter(post=post).count() == 2  # the month-old ones are gone
    row = re.search(r"Long read.*?</tr>", desk.get(POSTS).content.decode(), re.S).group(0)
    cells = [
        re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[-2] == "4"  # reads of all time
