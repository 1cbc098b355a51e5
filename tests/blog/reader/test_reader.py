"""What a reader sees on a blog's own host."""

from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.support.clients import host_client
from tests.support.scripts import without_json_ld


def test_home_shows_title_nav_home_content_and_posts_newest_first(make_blogger, make_post):
    blog = make_blogger("reader", title="Reader's Digest")
    blog.home_content = "Welcome to **my** blog."
    blog.home_post_list = True
    blog.save_revision().publish()
    now = timezone.now()
    make_post(blog, title="Older post", published_date=now - timezone.timedelta(days=2))
    make_post(blog, title="Newer post", published_date=now - timezone.timedelta(days=1))
    html = host_client(blog).get("/").content.decode()
    assert "Reader&#x27;s Digest" in html
    assert "Welcome to <strong>my</strong> blog." in html
    assert '<a href="/blog/" rel="noopener">Blog</a>' in html
    assert html.index("Newer post") < html.index("Older post")


def publish_home(blog, content, post_list=False):
    blog.home_content, blog.home_post_list = content, post_list
    blog.save_revision().publish()


def test_a_new_blog_with_home_content_lists_no_posts_below_it_as_on_bear(make_blogger, make_post):
    blog = make_blogger()
    publish_home(blog, "Hello, I write here.")
    make_post(blog, title="Unlisted at home")
    html = host_client(blog).get("/").content.decode()
    assert "Hello, I write here." in html
    assert "Unlisted at home" not in html and '<ul class="blog-posts">' not in html


def test_a_new_blog_with_an_empty_home_lists_its_posts_there(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Listed at home")
    main = host_client(blog).get("/").content.decode().split("<main>")[1]
    assert main.lstrip().startswith('<ul class="blog-posts">')
    assert "Listed at home" in main and "<h3>" not in main


def test_listing_posts_below_the_home_content_puts_them_under_a_heading(make_blogger, make_post):
    blog = make_blogger()
    publish_home(blog, "Hello, I write here.", post_list=True)
    make_post(blog, title="Listed below")
    html = host_client(blog).get("/").content.decode()
    assert html.index("Hello, I write here.") < html.index("<h3>Posts</h3>")
    assert html.index("<h3>Posts</h3>") < html.index("Listed below")


def test_listing_below_skips_a_home_that_lists_posts_itself(make_blogger, make_post):
    blog = make_blogger()
    publish_home(blog, "Hello\n\n{{ posts }}", post_list=True)
    make_post(blog, title="Listed once")
    html = host_client(blog).get("/").content.decode()
    assert html.count("Listed once") == 1 and "<h3>Posts</h3>" not in html


def test_the_blogger_chooses_the_home_list_in_settings(make_blogger, make_post, login):
    blog = make_blogger()
    publish_home(blog, "Hello, I write here.")
    make_post(blog, title="Listed after saving")
    desk = login(blog.owner)
    form = desk.get("/dashboard/settings/").content.decode()
    assert 'name="home_post_list"' in form and "List your posts below the home content" in form
    data = {
        "title": blog.title,
        "home_content": blog.home_content,
        "home_post_list": "on",
        "nav": blog.nav,
        "lang": blog.lang,
        "date_format": blog.date_format,
    }
    assert desk.post("/dashboard/settings/", data).status_code == 302
    assert "Listed after saving" in host_client(blog).get("/").content.decode()


def test_drafts_pages_and_scheduled_posts_are_not_listed(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Visible post")
    make_post(blog, title="Draft post", live=False)
    make_post(blog, title="About me", is_page=True)
    make_post(blog, title="Future post", published_date=timezone.now() + timezone.timedelta(days=3))
    for path in ("/", "/blog/"):
        html = host_client(blog).get(path).content.decode()
        assert "Visible post" in html
        assert "Draft post" not in html and "About me" not in html and "Future post" not in html


def test_a_post_renders_its_markdown_and_metadata(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(
        blog,
        title="Code day",
        slug="code-day",
        body="```python\nprint('hi')\n```\n\n| x |\n|---|\n| 1 |\n\nNote[^1]\n\n[^1]: Here.",
        tags=["python"],
        meta_description="All about code",
        canonical_url="https://elsewhere.example/code-day",
        lang="de",
        class_name="wide special",
    )
    response = host_client(blog).get("/code-day/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="nb">print</span>' in html and "<table>" in html and "footnote" in html
    assert '<meta name="description" content="All about code">' in html
    assert '<link rel="canonical" href="https://elsewhere.example/code-day">' in html
    assert '<html lang="de">' in html and '<body class="post wide special">' in html
    assert '<a href="/blog/?q=python">#python</a>' in html
    assert post.full_url.endswith(".localhost:8000/code-day/")


def test_pages_are_reachable_by_slug_but_scheduled_posts_are_not(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="About", slug="about", is_page=True)
    make_post(
        blog,
        title="Later",
        slug="later",
        published_date=timezone.now() + timezone.timedelta(hours=1),
    )
    client = host_client(blog)
    assert client.get("/about/").status_code == 200
    assert client.get("/later/").status_code == 404


def test_blog_index_filters_by_tags_to_include_and_exclude(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Python and web", tags=["python", "web"])
    make_post(blog, title="Only python", tags=["python"])
    make_post(blog, title="Cooking", tags=["food"])
    client = host_client(blog)
    html = client.get("/blog/?q=python").content.decode()
    assert "Python and web" in html and "Only python" in html and "Cooking" not in html
    html = client.get("/blog/?q=python,-web").content.decode()
    assert "Only python" in html and "Python and web" not in html
    assert "Cooking" in client.get("/blog/?q=FOOD").content.decode()


def test_hostile_post_content_is_sanitised_on_the_page(make_blogger, make_post):
    blog = make_blogger()
    make_post(
        blog, title="<script>alert(1)</script>", slug="x", body='<img src=x onerror="alert(1)">'
    )
    html = host_client(blog).get("/x/").content.decode()
    assert "<script>alert(1)" not in html and "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reader_pages_set_no_cookies_and_load_no_javascript(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p")
    for path in ("/", "/p/", "/blog/"):
        response = host_client(blog).get(path)
        assert response.status_code == 200
        assert not response.cookies
        assert "<script" not in without_json_ld(response.content.decode())


def test_one_blog_never_serves_another_blogs_posts(make_blogger, make_post):
    alice, bob = make_blogger("alice"), make_blogger("bob")
    make_post(bob, title="Bob's secret", slug="secret")
    assert host_client(alice).get("/secret/").status_code == 404
    assert "Bob" not in host_client(alice).get("/blog/").content.decode()


def test_a_post_matching_a_tag_twice_is_listed_once(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Twice tagged", tags=["Python", "python"])
    html = host_client(blog).get("/blog/?q=python").content.decode()
    assert html.count("Twice tagged") == 1


def test_an_old_address_kept_as_alias_redirects_permanently(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="new-home", alias="2019/05/old-home")
    response = host_client(blog).get("/2019/05/old-home/")
    assert response.status_code == 301
    assert response["Location"] == "/new-home/"
    assert host_client(blog).get("/2019/05/Old-Home/")["Location"] == "/new-home/"  # as Bear
    assert host_client(blog).get("/2019/05/elsewhere/").status_code == 404


def test_an_alias_of_a_draft_leads_nowhere(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="draft", alias="/old/", live=False)
    assert host_client(blog).get("/old/").status_code == 404


def test_a_password_protected_post_is_neither_served_nor_listed(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, slug="secret", title="Hidden title", body="TOPSECRETBODY")
    PageViewRestriction.objects.create(page=post, restriction_type="password", password="pw")
    blog.home_content = "{{ posts|content:true }}"
    blog.save_revision().publish()
    client = host_client(blog)
    assert client.get("/secret/").status_code == 404
    for path in ("/", "/blog/", "/feed/"):
        html = client.get(path).content.decode()
        assert "Hidden title" not in html and "TOPSECRETBODY" not in html, path


def test_a_nul_byte_in_a_tag_query_is_harmless(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Tagged", tags=["a"])
    client = host_client(blog)
    for path in ("/blog/?q=a%00", "/feed/?q=%00a"):
        assert client.get(path).status_code == 200, path
