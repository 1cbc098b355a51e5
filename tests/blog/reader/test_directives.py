"""Bear-compatible directives in home content, pages and posts, expanded per request."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from blog.core.markdown import render_markdown
from blog.reader import directives
from blog.reader.directives import expand_directives
from tests.support.clients import host_client

UTC = datetime.UTC


def day(year, month, date, hour=12):
    return datetime.datetime(year, month, date, hour, tzinfo=UTC)


def expand(blog, markdown, page=None, preview=False):
    """What a reader gets for ``markdown`` stored on ``page`` of ``blog``."""
    return expand_directives(render_markdown(markdown), blog=blog, page=page, preview=preview)


def titles(html):
    """Post titles of a rendered post list, in order."""
    return [chunk.split("</a>")[0].split(">")[-1] for chunk in html.split("<li>")[1:]]


def set_home(blog, markdown):
    blog.home_content = markdown
    blog.save_revision().publish()
    blog.refresh_from_db()


@pytest.fixture
def blog(make_blogger):
    return make_blogger()


@pytest.fixture
def three_posts(blog, make_post):
    """Old, middle and new posts, tagged so that tag filters have something to choose."""
    return [
        make_post(blog, title="Old", published_date=day(2024, 1, 10), tags=["notes"]),
        make_post(blog, title="Middle", published_date=day(2024, 2, 10), tags=["notes", "py"]),
        make_post(blog, title="New", published_date=day(2024, 3, 10), tags=["py"]),
    ]


# {{ posts }} and its filters.


def test_posts_on_the_home_page_lists_published_posts_newest_first(blog, three_posts):
    set_home(blog, "Hello\n\n{{ posts }}")
    html = host_client(blog).get("/").content.decode()
    home = html.split("Hello")[1].split("<h3>")[0]
    assert titles(home) == ["New", "Middle", "Old"]


def test_posts_replaces_its_paragraph_with_bear_blogs_embedded_list_markup(blog, three_posts):
    html = expand(blog, "{{ posts }}")
    assert html.startswith('<ul class="embedded blog-posts">')
    assert "<p>" not in html
    assert (
        '<li><span><i><time datetime="2024-03-10T12:00:00+00:00">10 Mar, 2024</time></i></span> '
        '<a href="http://'
    ) in html


def test_posts_links_each_post_to_its_page(blog, three_posts):
    assert 'localhost:8000/new/">New</a>' in expand(blog, "{{ posts }}")


def test_posts_with_no_matching_posts_says_so(blog):
    assert "<li>No posts yet.</li>" in expand(blog, "{{ posts }}")


def test_tag_filter_lists_only_posts_with_every_included_tag(blog, three_posts):
    assert titles(expand(blog, "{{ posts|tag:notes,py }}")) == ["Middle"]


def test_tag_filter_excludes_posts_with_a_minus_tag(blog, three_posts):
    assert titles(expand(blog, "{{ posts|tag:notes,-py }}")) == ["Old"]


def test_tag_filter_ignores_case(blog, three_posts):
    assert titles(expand(blog, "{{ posts|tag:NOTES }}")) == ["Middle", "Old"]


def test_limit_lists_only_the_newest_n_posts(blog, three_posts):
    assert titles(expand(blog, "{{ posts|limit:2 }}")) == ["New", "Middle"]


def test_limit_above_the_maximum_is_lowered_to_it(blog, three_posts, monkeypatch):
    monkeypatch.setattr(directives, "MAX_POSTS", 2)
    assert titles(expand(blog, "{{ posts|limit:1000 }}")) == ["New", "Middle"]


def test_a_list_without_limit_stops_at_the_maximum(blog, three_posts, monkeypatch):
    monkeypatch.setattr(directives, "MAX_POSTS", 2)
    assert len(titles(expand(blog, "{{ posts }}"))) == 2


def test_order_asc_lists_oldest_first(blog, three_posts):
    assert titles(expand(blog, "{{ posts|order:asc }}")) == ["Old", "Middle", "New"]


def test_order_desc_lists_newest_first(blog, three_posts):
    assert titles(expand(blog, "{{ posts|order:desc }}")) == ["New", "Middle", "Old"]


def test_from_keeps_posts_published_on_or_after_the_date(blog, three_posts):
    assert titles(expand(blog, "{{ posts|from:2024-02-10 }}")) == ["New", "Middle"]


def test_to_keeps_posts_published_on_or_before_the_date(blog, three_posts):
    assert titles(expand(blog, "{{ posts|to:2024-02-10 }}")) == ["Middle", "Old"]


def test_description_true_shows_each_posts_meta_description(blog, make_post):
    make_post(blog, title="Described", meta_description="What it is about")
    html = expand(blog, "{{ posts|description:true }}")
    assert '<p class="description">What it is about</p>' in html


def test_without_description_the_meta_description_is_not_shown(blog, make_post):
    make_post(blog, title="Described", meta_description="What it is about")
    assert "What it is about" not in expand(blog, "{{ posts }}")


def test_content_true_shows_each_posts_full_html(blog, make_post):
    make_post(blog, title="Full", body="All **of** it")
    html = expand(blog, "{{ posts|content:true }}")
    assert '<div class="post-content"><p>All <strong>of</strong> it</p></div>' in html


def test_image_true_shows_each_posts_meta_image(blog, make_post):
    image = get_image_model().objects.create(
        title="Cover", file=get_test_image_file(), collection=blog.collection
    )
    make_post(blog, title="Pictured", meta_image=image)
    html = expand(blog, "{{ posts|image:true }}")
    assert f'<img src="{image.file.url}" alt="Pictured" loading="lazy">' in html


def test_image_true_shows_an_imported_posts_image_address(blog, make_post):
    make_post(blog, title="From Bear", meta_image_url="https://images.example/cover.png")
    make_post(blog, title="Bare")
    html = expand(blog, "{{ posts|image:true }}")
    assert html.count("<img") == 1
    assert '<img src="https://images.example/cover.png" alt="From Bear" loading="lazy">' in html


def test_filters_combine(blog, three_posts):
    html = expand(blog, "{{ posts|tag:notes|order:asc|limit:1|from:2024-01-01|to:2024-12-31 }}")
    assert titles(html) == ["Old"]


def test_filters_accept_spaces_and_capitalised_booleans(blog, make_post):
    make_post(blog, title="Described", meta_description="About")
    html = expand(blog, "{{ posts | limit: 5 | description:True }}")
    assert '<p class="description">About</p>' in html


@pytest.mark.parametrize(
    "directive",
    [
        "{{ posts|limit:many }}",
        "{{ posts|limit:0 }}",
        "{{ posts|limit:-3 }}",
        "{{ posts|limit:²}}",
        "{{ posts|order:sideways }}",
        "{{ posts|from:2024-13-01 }}",
        "{{ posts|to:yesterday }}",
        "{{ posts|description:yes }}",
        "{{ posts|colour:red }}",
        "{{ posts|limit }}",
    ],
)
def test_a_bad_filter_leaves_the_directive_as_text(blog, three_posts, directive):
    html = expand(blog, directive)
    assert html == f"<p>{directive}</p>"


def test_drafts_scheduled_posts_and_pages_are_never_listed(blog, make_post):
    make_post(blog, title="Visible")
    make_post(blog, title="Draft", live=False)
    make_post(blog, title="About", is_page=True)
    make_post(blog, title="Future", published_date=day(2999, 1, 1))
    assert titles(expand(blog, "{{ posts }}")) == ["Visible"]


def test_another_blogs_posts_are_never_listed(blog, make_blogger, make_post):
    make_post(blog, title="Mine")
    make_post(make_blogger(), title="Theirs")
    assert titles(expand(blog, "{{ posts }}")) == ["Mine"]


def test_posts_costs_the_same_queries_however_many_posts(blog, make_post):
    def queries():
        expand(blog, "{{ posts|description:true|content:true|image:true }}")  # warm caches
        with CaptureQueriesContext(connection) as captured:
            expand(blog, "{{ posts|description:true|content:true|image:true|tag:-x }}")
        return len(captured)

    make_post(blog, title="One")
    with_one = queries()
    for n in range(5):
        make_post(blog, title=f"More {n}", slug=f"more-{n}")
    assert queries() == with_one == 1


def test_the_home_page_costs_the_same_queries_however_many_posts(blog, make_post):
    set_home(blog, "{{ posts|tag:-x|limit:50 }}\n\n{{ tags }}\n\n{{ blog_last_posted }}")
    client = host_client(blog)

    def queries():
        client.get("/")  # warm the host and URL caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    make_post(blog, title="One", tags=["a"])
    with_one = queries()
    for n in range(5):
        make_post(blog, title=f"More {n}", slug=f"more-{n}", tags=[f"t{n}"])
    assert queries() == with_one


def test_a_hostile_post_title_is_escaped_in_the_list(blog, make_post):
    make_post(blog, title="<script>alert(1)</script>", slug="hostile")
    html = expand(blog, "{{ posts }}")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_hostile_meta_description_is_escaped_in_the_list(blog, make_post):
    make_post(blog, title="Post", meta_description="<img src=x onerror=alert(1)>")
    html = expand(blog, "{{ posts|description:true }}")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# Blog-level directives.


def test_blog_title_is_the_escaped_blog_title(make_blogger):
    blog = make_blogger(title="Cats <script>alert(1)</script>")
    assert expand(blog, "Welcome to {{ blog_title }}") == (
        "<p>Welcome to Cats &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_blog_description_is_the_meta_description(blog):
    blog.meta_description = "Notes & thoughts"
    assert expand(blog, "{{ blog_description }}") == "<p>Notes &amp; thoughts</p>"


def test_blog_link_is_a_link_to_the_blog(blog):
    url = f"http://{blog.subdomain}.localhost:8000/"
    assert expand(blog, "{{ blog_link }}") == f'<p><a href="{url}">{url}</a></p>'


def test_blog_link_works_as_a_markdown_link_target(blog):
    html = expand(blog, "[Home]({{ blog_link }})")
    assert f'<a href="http://{blog.subdomain}.localhost:8000/" rel="noopener">Home</a>' in html


def test_blog_created_date_is_when_the_blog_was_made(blog):
    created = blog.revisions.order_by("created_at").first().created_at
    assert f">{created:%d %b, %Y}</time>" in expand(blog, "{{ blog_created_date }}")


def test_blog_last_posted_is_the_newest_posts_date(blog, three_posts):
    assert ">10 Mar, 2024</time>" in expand(blog, "{{ blog_last_posted }}")


def test_blog_last_posted_is_empty_without_posts(blog):
    assert expand(blog, "Last: {{ blog_last_posted }}") == "<p>Last: </p>"


def test_blog_last_modified_is_the_latest_publication_in_the_blog(blog, make_post):
    post = make_post(blog, title="Edited")
    assert f">{post.last_published_at:%d %b, %Y}</time>" in expand(blog, "{{ blog_last_modified }}")


def test_tags_is_a_cloud_of_the_blogs_tags_linked_to_their_lists(blog, three_posts):
    assert expand(blog, "{{ tags }}") == (
        '<small><div class="tags"><a href="/blog/?q=notes">#notes</a> '
        '<a href="/blog/?q=py">#py</a></div></small>'
    )


def test_tags_leaves_out_tags_of_drafts_and_other_blogs(blog, make_blogger, make_post):
    make_post(blog, title="Draft", live=False, tags=["secret"])
    make_post(make_blogger(), title="Theirs", tags=["theirs"])
    make_post(blog, title="Mine", tags=["mine & yours"])
    assert expand(blog, "{{ tags }}") == (
        '<small><div class="tags"><a href="/blog/?q=mine%20%26%20yours">#mine &amp; yours</a>'
        "</div></small>"
    )


def test_email_signup_renders_the_subscribe_form_in_place(blog):
    html = expand(blog, "Before\n\n{{ email-signup }}\n\nAfter")
    before, form, after = html.partition('<form class="email-signup" method="post"')
    assert before.startswith("<p>Before</p>") and form
    assert 'action="/subscribe/"' in after and 'type="email" name="email"' in after
    assert after.rstrip().endswith("<p>After</p>")


def test_email_signup_is_also_spelt_with_an_underscore_as_on_bear(blog):
    html = expand(blog, "Before\n\n{{ email_signup }}\n\nAfter")
    assert html == expand(blog, "Before\n\n{{ email-signup }}\n\nAfter")
    assert '<form class="email-signup" method="post" action="/subscribe/">' in html


def test_email_signup_with_an_underscore_takes_no_filters(blog):
    html = expand(blog, "{{ email_signup|limit:5 }}", preview=True)
    assert 'title="email_signup takes no filters"' in html


# Post-level directives.


def test_post_title_is_the_escaped_post_title(blog, make_post):
    post = make_post(blog, title="A <b>bold</b> claim")
    assert expand(blog, "{{ post_title }}", page=post) == "<p>A &lt;b&gt;bold&lt;/b&gt; claim</p>"


def test_post_description_is_the_posts_meta_description(blog, make_post):
    post = make_post(blog, title="Post", meta_description="Short & sweet")
    assert expand(blog, "{{ post_description }}", page=post) == "<p>Short &amp; sweet</p>"


def test_post_link_is_a_link_to_the_post(blog, make_post):
    post = make_post(blog, title="Post", slug="the-post")
    url = f"http://{blog.subdomain}.localhost:8000/the-post/"
    assert expand(blog, "{{ post_link }}", page=post) == f'<p><a href="{url}">{url}</a></p>'


def test_post_published_date_uses_the_blogs_date_format(blog, make_post):
    blog.date_format = "Y-m-d"
    post = make_post(blog, title="Post", published_date=day(2024, 5, 6))
    html = expand(blog, "{{ post_published_date }}", page=post)
    assert html == '<p><time datetime="2024-05-06T12:00:00+00:00">2024-05-06</time></p>'


def test_post_last_modified_is_when_the_post_was_last_published(blog, make_post):
    post = make_post(blog, title="Post")
    html = expand(blog, "{{ post_last_modified }}", page=post)
    assert f">{post.last_published_at:%d %b, %Y}</time>" in html


def test_next_post_links_the_next_newer_post(blog, three_posts):
    html = expand(blog, "{{ next_post }}", page=three_posts[1])
    assert html.endswith('/new/">New</a></p>')


def test_previous_post_links_the_next_older_post(blog, three_posts):
    html = expand(blog, "{{ previous_post }}", page=three_posts[1])
    assert html.endswith('/old/">Old</a></p>')


def test_next_post_is_empty_on_the_newest_post(blog, three_posts):
    assert expand(blog, "Next: {{ next_post }}", page=three_posts[2]) == "<p>Next: </p>"


def test_next_post_skips_drafts_and_scheduled_posts(blog, three_posts, make_post):
    make_post(blog, title="Draft", live=False, published_date=day(2024, 3, 1))
    make_post(blog, title="Future", published_date=day(2999, 1, 1))
    assert expand(blog, "{{ next_post }}", page=three_posts[2]) == "<p></p>"


def test_posts_with_the_same_date_are_each_others_neighbours(blog, make_post):
    first = make_post(blog, title="First", published_date=day(2024, 1, 1))
    second = make_post(blog, title="Second", published_date=day(2024, 1, 1))
    assert ">Second</a>" in expand(blog, "{{ next_post }}", page=first)
    assert ">First</a>" in expand(blog, "{{ previous_post }}", page=second)


def test_post_directives_outside_a_post_are_left_as_text(blog):
    assert expand(blog, "{{ post_title }}", page=blog) == "<p>{{ post_title }}</p>"


def test_post_directives_in_a_post_are_expanded_on_its_page(blog, make_post):
    make_post(blog, title="Earlier", slug="earlier", published_date=day(2024, 1, 1))
    make_post(blog, title="Later", slug="later", body="Back to {{ previous_post }}")
    html = host_client(blog).get("/later/").content.decode()
    assert 'Back to <a href="/earlier/">Earlier</a>' in html


def test_posts_in_a_page_is_expanded_on_its_page(blog, make_post):
    make_post(blog, title="A post", slug="a-post")
    make_post(blog, title="Archive", slug="archive", is_page=True, body="{{ posts }}")
    html = host_client(blog).get("/archive/").content.decode()
    assert '<a href="/a-post/">A post</a></li>' in html


# Directives in the blog's navigation, on every page.


def set_nav(blog, markdown):
    blog.nav = markdown
    blog.save_revision().publish()


def nav_of(html):
    """The inside of the page's <nav>."""
    return html.split("<nav>")[1].split("</nav>")[0]


def nav_at(blog, path):
    return nav_of(host_client(blog).get(path).content.decode())


def test_blog_directives_in_the_nav_are_expanded_and_escaped(make_blogger):
    blog = make_blogger(title="Tom & <Jerry>")
    set_nav(blog, "[Home](/) {{ blog_title }}")
    nav = nav_at(blog, "/")
    assert nav == '<p><a href="/" rel="noopener">Home</a> Tom &amp; &lt;Jerry&gt;</p>'


def test_email_signup_in_the_nav_shows_the_form_on_every_page(blog, make_post):
    make_post(blog, title="Post", slug="post")
    set_nav(blog, "[Home](/)\n\n{{ email_signup }}")
    for path in ("/", "/blog/", "/post/", "/missing/"):
        assert '<form class="email-signup"' in nav_at(blog, path), path


def test_post_directives_in_the_nav_show_the_post_being_read(blog, make_post):
    make_post(blog, title="Being read", slug="being-read")
    set_nav(blog, "[Home](/) {{ post_title }}")
    assert nav_at(blog, "/being-read/").endswith(" Being read</p>")
    assert nav_at(blog, "/").endswith(" {{ post_title }}</p>")  # no post on the home page


def test_posts_in_the_nav_lists_the_blogs_posts(blog, three_posts):
    set_nav(blog, "{{ posts|limit:1 }}")
    assert titles(nav_at(blog, "/blog/")) == ["New"]


def test_an_unknown_directive_in_the_nav_is_marked_in_the_preview(blog):
    blog.nav = "[Home](/) {{ weather }}"
    nav = nav_of(blog.make_preview_request().content.decode())
    assert '<mark class="directive-error" title="Unknown directive “weather”">' in nav


# Code, errors, dates.


def test_directives_in_code_blocks_are_left_alone(blog, three_posts):
    html = expand(blog, "```\n{{ posts }}\n```\n\n~~~\n{{ blog_title }}\n~~~")
    assert "{{ posts }}" in html and "{{ blog_title }}" in html and "<ul" not in html


def test_directives_in_inline_code_are_left_alone(blog):
    assert expand(blog, "Write `{{ blog_title }}`") == "<p>Write <code>{{ blog_title }}</code></p>"


def test_an_unknown_directive_is_left_visible(blog):
    assert expand(blog, "Hi {{ weather }}") == "<p>Hi {{ weather }}</p>"


def test_an_unknown_directive_is_marked_in_the_preview(blog):
    html = expand(blog, "Hi {{ weather }}", preview=True)
    assert '<mark class="directive-error" title="Unknown directive “weather”">' in html
    assert "{{ weather }}</mark>" in html


def test_a_bad_filter_is_marked_with_its_reason_in_the_preview(blog):
    html = expand(blog, "{{ posts|limit:lots }}", preview=True)
    assert 'title="limit needs a whole number from 1, not “lots”"' in html


def test_the_editors_preview_marks_unknown_directives(blog):
    blog.home_content = "{{ weather }}"
    html = blog.make_preview_request().content.decode()  # Wagtail's own preview machinery
    assert '<mark class="directive-error" title="Unknown directive “weather”">' in html


def test_an_unknown_directive_on_the_live_page_is_shown_unmarked(blog):
    set_home(blog, "{{ weather }}")
    response = host_client(blog).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>{{ weather }}</p>" in html and "directive-error" not in html


def test_dates_are_in_the_blogs_language(blog, make_post):
    blog.lang, blog.date_format = "de", "j F Y"
    post = make_post(blog, title="Post", published_date=day(2024, 3, 10))
    assert ">10 März 2024</time>" in expand(blog, "{{ post_published_date }}", page=post)


def test_dates_fall_back_to_english_for_a_language_django_lacks(blog, make_post):
    blog.lang, blog.date_format = "tlh", "j F Y"
    post = make_post(blog, title="Post", published_date=day(2024, 3, 10))
    assert ">10 March 2024</time>" in expand(blog, "{{ post_published_date }}", page=post)


def test_html_without_directives_is_returned_unchanged(blog):
    html = render_markdown("Plain {text} and }} braces")
    assert expand_directives(html, blog=blog) == html


def test_a_home_that_lists_posts_itself_gets_no_second_list(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Listed once")
    blog.home_content = "Hello\n\n{{ posts }}"
    blog.save_revision().publish()
    html = host_client(blog).get("/").content.decode()
    assert html.count("Listed once") == 1


def test_posts_images_come_only_from_the_blogs_own_collection(make_blogger, make_post):

    blog, other = make_blogger(), make_blogger()
    theirs = get_image_model().objects.create(
        title="theirs", file=get_test_image_file(), collection=other.collection
    )
    make_post(blog, title="Borrowed", meta_image=theirs)
    blog.home_content = "{{ posts|image:true }}"
    blog.save_revision().publish()
    html = host_client(blog).get("/").content.decode()
    assert "Borrowed" in html and theirs.file.url not in html
