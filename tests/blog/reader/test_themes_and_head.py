"""A blog's look and head: themes, custom CSS, favicon, metadata, error pages, weight."""

import datetime
import io
import xml.etree.ElementTree as ET  # noqa: S405 (our own SVG, in a test)
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image as PILImage

from blog.core.names import blog_hostname
from blog.models import THEMES, PostPage
from blog.moderation.flags import set_blog_flags
from blog.reader.themes import safe_custom_css, theme_css
from tests.support.clients import host_client
from tests.support.images import make_image
from tests.support.scripts import without_json_ld

THEME_NAMES = [name for name, _label in THEMES]


def save_blog(blog, **fields):
    for name, value in fields.items():
        setattr(blog, name, value)
    blog.save_revision().publish()
    return blog


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def style_text(response):
    return soup_of(response).find("style").string


# --- Themes and custom CSS ------------------------------------------------------------


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_theme_chosen_in_settings_is_inlined_in_the_page(make_blogger, theme):
    blog = save_blog(make_blogger(), theme=theme)
    assert style_text(host_client(blog).get("/")) == theme_css(theme)


def test_a_post_gets_the_code_colours_only_when_it_has_highlighted_code(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="prose", body="Just words.")
    make_post(blog, slug="code", body="```python\nprint(1)\n```")
    client = host_client(blog)
    assert style_text(client.get("/prose/")) == theme_css("default", code=False)
    assert style_text(client.get("/code/")) == theme_css("default")
    assert ".highlight :is(" in theme_css("default") and ".highlight :is(" not in theme_css(
        "default", code=False
    )


def test_an_unknown_theme_name_falls_back_to_the_default_theme():
    assert theme_css("no-such-theme") == theme_css("default")


def test_the_dark_theme_is_always_dark_and_the_others_follow_the_color_scheme():
    assert "prefers-color-scheme" not in theme_css("dark")
    assert "color-scheme:dark" in theme_css("dark")
    for theme in set(THEME_NAMES) - {"dark"}:
        assert "@media (prefers-color-scheme:dark)" in theme_css(theme)


def test_custom_css_is_appended_after_the_theme(make_blogger):
    blog = save_blog(make_blogger(), theme="serif", custom_css="body { color: rebeccapurple }")
    css = style_text(host_client(blog).get("/"))
    assert css.startswith(theme_css("serif"))
    assert css.endswith("body { color: rebeccapurple }")


BREAKOUT_PAYLOADS = [
    "</style><script>alert(1)</script>",
    "</STYLE ><img src=x onerror=alert(1)>",
    "</style\t><svg onload=alert(1)>",
    "body{}</sTyLe/><script>alert(1)</script>",
    "<!--</style><script>alert(1)</script>-->",
    'a{content:"</style><script>alert(1)</script>"}',
    "p{color:red}<![CDATA[</style>]]>",
]


@pytest.mark.parametrize("payload", BREAKOUT_PAYLOADS)
def test_custom_css_cannot_break_out_of_the_style_element(make_blogger, payload):
    blog = save_blog(make_blogger(), custom_css=payload)
    response = host_client(blog).get("/")
    soup = soup_of(response)
    assert soup.find("script") is None and soup.find("svg") is None
    # The only image is the read pixel (blog.analytics.hits), never one from the CSS.
    assert [img["src"] for img in soup.find_all("img")] == ["/hit/home/"]
    assert len(soup.find_all("style")) == 1
    assert "</" not in safe_custom_css(payload) and "<!" not in safe_custom_css(payload)
    assert soup.find("main") is not None  # the rest of the page still parses as HTML


REMOTE_PAYLOADS = [
    "@import url(https://evil.example/x.css);",
    '@import "https://evil.example/x.css";',
    "@IMPORT '//evil.example/x.css';",
    "@\\69mport url(//evil.example/x.css);",
    "body{background:url(https://evil.example/x.png)}",
    "body{background:url( '//evil.example/x.png' )}",
    "body{background:url(javascript:alert(1))}",
    'body{background:URL("java\\73 cript:alert(1)")}',
    "body{background:u\\72l(https://evil.example/x.png)}",
    "body{background:url(\\2f\\2f evil.example/x.png)}",
    "body{background:url(\\\\evil.example/x.png)}",
    "body{background:url(https:/evil.example/x.png)}",
    "body{background:url(data:image/svg+xml;base64,PHN2Zz4=)}",
    'body{background:image-set("https://evil.example/x.png" 1x)}',
    "body{background:-webkit-image-set(url(https://evil.example/x.png) 1x)}",
    "@font-face{font-family:x;src:url(https://evil.example/f.woff2)}",
    'body{background:url("x;https://evil.example/y.png")}',
    "body{width:expression(alert(1))}",
    "li{list-style:url(http://evil.example/dot.png)}",
]


@pytest.mark.parametrize("payload", REMOTE_PAYLOADS)
def test_custom_css_cannot_load_third_party_resources_or_run_script(payload):
    css = safe_custom_css(payload).lower()
    assert "evil" not in css
    assert "javascript" not in css and "java\\73" not in css
    assert "import" not in css and "\\69" not in css
    assert "expression" not in css and "data:" not in css


def test_harmless_custom_css_is_kept_as_written():
    css = (
        "@media (width < 600px){nav > a{display:block}}\n"
        'blockquote::before{content:"\\201C";}\n'
        "body{background:url(/media/images/paper.png) repeat;font-family:Georgia,serif}"
    )
    assert safe_custom_css(css) == css


def test_overwriting_the_theme_leaves_only_the_custom_css(make_blogger, make_post):
    css = "body.home{background:linen}"
    blog = save_blog(make_blogger(), theme="serif", custom_css=css, overwrite_theme=True)
    make_post(blog, slug="code", body="```python\nprint(1)\n```")
    client = host_client(blog)
    assert style_text(client.get("/")) == css
    assert style_text(client.get("/code/")) == css  # no code colours either: they are the theme's


def test_overwriting_the_theme_without_custom_css_leaves_the_page_unstyled(make_blogger):
    blog = save_blog(make_blogger(), overwrite_theme=True)
    assert soup_of(host_client(blog).get("/")).find("style").string is None


def test_custom_css_still_cannot_leave_its_style_with_the_theme_overwritten(make_blogger):
    blog = save_blog(make_blogger(), custom_css=BREAKOUT_PAYLOADS[0], overwrite_theme=True)
    soup = soup_of(host_client(blog).get("/"))
    assert soup.find("script") is None and len(soup.find_all("style")) == 1


def test_the_theme_page_saves_use_only_your_css_next_to_your_css(make_blogger, login):
    blog = make_blogger()
    desk = login(blog.owner)
    form = soup_of(desk.get("/dashboard/theme/")).find(id="theme-css-content")
    checkbox = form.find("input", attrs={"name": "overwrite_theme"})
    assert checkbox["type"] == "checkbox" and not checkbox.has_attr("checked")
    assert "Use only your CSS (no theme)" in form.get_text()
    data = {"theme": "default", "custom_css": "h1{color:teal}", "overwrite_theme": "on"}
    assert desk.post("/dashboard/theme/", data).status_code == 302
    blog.refresh_from_db()
    assert blog.overwrite_theme
    assert style_text(host_client(blog).get("/")) == "h1{color:teal}"


# --- Bear CSS compatibility: the markup Bear Blog's themes and custom CSS target --------


def body_classes(response):
    return soup_of(response).body.get("class")


def test_the_body_says_which_kind_of_page_it_is_as_on_bear(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="bears", tags=["bears"])
    make_post(blog, slug="long", class_name="longform wide")
    make_post(blog, slug="about", is_page=True, class_name="about-me")
    client = host_client(blog)
    assert body_classes(client.get("/")) == ["home"]
    assert body_classes(client.get("/blog/")) == ["blog"]
    assert body_classes(client.get("/blog/?q=bears")) == ["blog"]
    assert body_classes(client.get("/bears/")) == ["post"]
    assert body_classes(client.get("/long/")) == ["post", "longform", "wide"]
    assert body_classes(client.get("/about/")) == ["page", "about-me"]
    assert body_classes(client.get("/no-such-page/")) is None


def test_post_lists_are_bears_markup_with_the_blogs_date_format(make_blogger, make_post):
    blog = save_blog(make_blogger(), date_format="Y-m-d")
    when = datetime.datetime(2024, 3, 10, 12, 0, tzinfo=datetime.UTC)
    make_post(blog, title="Bears", slug="bears", tags=["bears", "notes"], published_date=when)
    make_post(blog, title="Index", slug="index", is_page=True, body="{{ posts }}")
    client = host_client(blog)
    for path, classes in (("/", ["blog-posts"]), ("/blog/", ["blog-posts"])):
        item = soup_of(client.get(path)).select_one("main > ul.blog-posts > li")
        assert item.find_parent("ul")["class"] == classes
        time = item.select_one(":scope > span > i > time")
        assert time["datetime"] == "2024-03-10T12:00:00+00:00" and time.string == "2024-03-10"
        assert item.select_one(":scope > span + a")["href"] == "/bears/"
    embedded = soup_of(client.get("/index/")).select_one("main ul.embedded.blog-posts")
    assert embedded["class"] == ["embedded", "blog-posts"]
    assert embedded.select_one("li > span > i > time").string == "2024-03-10"


def test_tags_are_bears_p_tags_on_a_post_and_small_div_tags_on_the_blog_page(
    make_blogger, make_post
):
    blog = make_blogger()
    make_post(blog, slug="bears", tags=["bears", "notes"])
    client = host_client(blog)
    post_tags = soup_of(client.get("/bears/")).select_one("main p.tags")
    assert [a.string for a in post_tags.find_all("a")] == ["#bears", "#notes"]
    assert post_tags.get_text() == "#bears #notes"  # spaced, as Bear's are
    blog_tags = soup_of(client.get("/blog/")).select_one("main small > div.tags")
    assert blog_tags.get_text() == "#bears #notes"
    heading = soup_of(client.get("/blog/?q=bears,-cubs")).select_one("main > h3")
    assert heading.get_text() == "Filtering for: bears -cubs"  # Bear's heading
    assert [span.string for span in heading.select("span.tag")] == ["bears", "-cubs"]


def test_the_header_is_bears_title_link_and_nav(make_blogger):
    blog = make_blogger(title="Bears & co")
    header = soup_of(host_client(blog).get("/")).header
    assert header.select_one(":scope > a.title[href='/'] > h1").string == "Bears & co"
    assert [a["href"] for a in header.select(":scope > nav a")] == ["/", "/blog/"]


# --- Favicon --------------------------------------------------------------------------


def test_an_emoji_favicon_is_served_as_svg_and_linked_from_the_head(make_blogger):
    blog = save_blog(make_blogger(), favicon_emoji="🐻")
    client = host_client(blog)
    response = client.get("/favicon.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    svg = ET.fromstring(response.content)  # noqa: S314
    assert svg.find("{http://www.w3.org/2000/svg}text").text == "🐻"
    assert soup_of(client.get("/")).find("link", rel="icon")["href"] == "/favicon.svg"


def test_markup_in_the_favicon_emoji_is_escaped_in_the_svg(make_blogger):
    blog = save_blog(make_blogger(), favicon_emoji="<script>&'\"")
    svg = ET.fromstring(host_client(blog).get("/favicon.svg").content)  # noqa: S314
    assert [element.tag.split("}")[1] for element in svg.iter()] == ["svg", "text"]
    assert svg[0].text == "<script>&'\""


def test_a_blog_without_an_icon_links_none_and_has_no_emoji_svg(make_blogger):
    blog = make_blogger()
    client = host_client(blog)
    assert soup_of(client.get("/")).find("link", rel="icon") is None
    assert client.get("/favicon.svg").status_code == 404


def opened(response):
    """The image a response carries, opened by Pillow."""
    return PILImage.open(io.BytesIO(response.content))


def test_favicon_ico_of_a_blog_without_an_icon_is_a_real_icon(make_blogger):
    response = host_client(make_blogger()).get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    icon = opened(response)
    assert icon.format == "ICO" and icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_the_platform_links_and_serves_the_same_bear_as_a_blog_without_an_icon(
    make_blogger, platform_client
):
    landing = soup_of(platform_client.get("/"))
    assert landing.find("link", rel="icon")["href"] == "/favicon.ico"
    response = platform_client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"]
    assert response.content == host_client(make_blogger()).get("/favicon.ico").content


def test_favicon_ico_is_cached_like_the_other_reader_pages(make_blogger):
    client = host_client(make_blogger())
    assert client.get("/favicon.ico")["Cache-Control"] == client.get("/")["Cache-Control"]


def test_favicon_ico_of_an_emoji_blog_leads_to_its_svg(make_blogger):
    blog = save_blog(make_blogger(), favicon_emoji="🐻")
    assert host_client(blog).get("/favicon.ico")["Location"] == "/favicon.svg"


@pytest.mark.parametrize("path", ["/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"])
def test_a_blog_without_an_image_icon_gives_phones_a_180_pixel_png(make_blogger, path):
    response = host_client(make_blogger()).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    icon = opened(response)
    assert icon.format == "PNG" and icon.size == (180, 180)
    # iOS shows transparent pixels as black.
    assert icon.mode == "RGB" or icon.getchannel("A").getextrema() == (255, 255)


def test_the_touch_icon_is_cached_like_the_other_reader_pages(make_blogger):
    client = host_client(make_blogger())
    cache_control = client.get("/apple-touch-icon.png")["Cache-Control"]
    assert cache_control == client.get("/")["Cache-Control"] and "public" in cache_control


def test_an_emoji_blog_gives_phones_the_png_too(make_blogger):
    blog = save_blog(make_blogger(), favicon_emoji="🐻")
    response = host_client(blog).get("/apple-touch-icon.png")
    assert response.status_code == 200 and opened(response).format == "PNG"


def test_an_image_icon_reaches_phones_as_a_180_pixel_png_rendition(make_blogger):
    blog = make_blogger()
    image = make_image(blog.collection, size=(240, 240), format="JPEG", name="icon.jpg")
    save_blog(blog, favicon_image=image)
    for path in ("/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"):
        response = host_client(blog).get(path)
        rendition = image.get_rendition("fill-180x180|format-png")
        assert response.status_code == 302 and response["Location"] == rendition.url
        with rendition.file.open("rb") as file:
            png = PILImage.open(file)
            assert png.format == "PNG" and png.size == (180, 180)


def test_an_image_icon_from_another_blog_never_reaches_phones(make_blogger):
    blog, other = make_blogger(), make_blogger()
    save_blog(blog, favicon_image=make_image(other.collection))
    response = host_client(blog).get("/apple-touch-icon.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_an_image_favicon_from_the_blogs_collection_is_used_instead_of_the_emoji(make_blogger):
    blog = make_blogger()
    image = make_image(blog.collection)
    save_blog(blog, favicon_emoji="🐻", favicon_image=image)
    client = host_client(blog)
    href = soup_of(client.get("/")).find("link", rel="icon")["href"]
    assert href == image.get_rendition("fill-64x64").url
    assert client.get("/favicon.ico")["Location"] == href


def test_an_image_favicon_from_another_blogs_collection_is_ignored(make_blogger):
    blog, other = make_blogger(), make_blogger()
    save_blog(blog, favicon_image=make_image(other.collection))
    assert soup_of(host_client(blog).get("/")).find("link", rel="icon") is None


# --- Head metadata --------------------------------------------------------------------


def robots(response):
    metas = soup_of(response).find_all("meta", attrs={"name": "robots"})
    return [meta["content"] for meta in metas]


def test_search_engines_wait_until_staff_have_reviewed_the_blog(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="fresh")
    client = host_client(blog)
    for path in ("/", "/blog/", "/fresh/"):
        assert robots(client.get(path)) == ["noindex"], path
    set_blog_flags(blog, reviewed=True)
    for path in ("/", "/blog/", "/fresh/"):
        assert robots(client.get(path)) == [], path
    assert robots(client.get("/missing/")) == ["noindex"]  # once, reviewed or not


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag and tag["content"]


def test_a_post_head_has_title_description_canonical_opengraph_twitter_lang_and_feeds(
    make_blogger, make_post
):
    blog = make_blogger("heady", title="Heady")
    make_post(blog, title="On bears", slug="bears", meta_description="All bears", lang="de")
    soup = soup_of(host_client(blog).get("/bears/"))
    url = f"http://{blog_hostname('heady')}:8000/bears/"
    assert soup.title.string == "On bears · Heady"
    assert soup.html["lang"] == "de"
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "description") == "All bears" == meta(soup, "og:description")
    assert (meta(soup, "og:title"), meta(soup, "og:url")) == ("On bears", url)
    assert (meta(soup, "og:type"), meta(soup, "og:site_name")) == ("article", "Heady")
    assert meta(soup, "twitter:card") == "summary" and meta(soup, "og:image") is None
    feeds = {link["type"]: link["href"] for link in soup.find_all("link", rel="alternate")}
    assert feeds == {"application/atom+xml": "/feed/", "application/rss+xml": "/feed/?type=rss"}


def test_a_post_without_a_description_uses_the_blogs(make_blogger, make_post):
    blog = save_blog(make_blogger(), meta_description="A blog about bears")
    make_post(blog, slug="p")
    assert meta(soup_of(host_client(blog).get("/p/")), "description") == "A blog about bears"


def test_a_posts_own_canonical_url_is_used_for_canonical_and_og_url(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p", canonical_url="https://elsewhere.example/p")
    soup = soup_of(host_client(blog).get("/p/"))
    assert soup.find("link", rel="canonical")["href"] == "https://elsewhere.example/p"
    assert meta(soup, "og:url") == "https://elsewhere.example/p"


def test_a_posts_meta_image_is_an_absolute_og_image_with_a_large_twitter_card(
    make_blogger, make_post
):
    blog = make_blogger("pics")
    image = make_image(blog.collection, "cover.png")
    make_post(blog, slug="p", meta_image=image)
    soup = soup_of(host_client(blog).get("/p/"))
    rendition = image.get_rendition("fill-1200x630").url
    assert meta(soup, "og:image") == f"http://{blog_hostname('pics')}:8000{rendition}"
    assert meta(soup, "twitter:card") == "summary_large_image"


def test_a_meta_image_from_another_blogs_collection_is_not_shown(make_blogger, make_post):
    blog, other = make_blogger(), make_blogger()
    make_post(blog, slug="p", meta_image=make_image(other.collection))
    assert meta(soup_of(host_client(blog).get("/p/")), "og:image") is None


READER_PAGES = ["/", "/bears/", "/blog/", "/blog/?q=bears", "/no-such-page/"]


@pytest.mark.parametrize("path", READER_PAGES)
def test_every_link_on_a_reader_page_stays_on_the_blogs_host(make_blogger, make_post, path):
    blog = make_blogger("links")
    make_post(blog, title="Bears", slug="bears", tags=["bears"], body="[x](/bears/)")
    response = host_client(blog).get(path)
    soup = soup_of(response)
    base = f"http://{blog_hostname('links')}{path}"
    urls = [tag["href"] for tag in soup.find_all(["a", "link"], href=True)]
    urls += [tag["action"] for tag in soup.find_all("form", action=True)]
    urls += [tag["src"] for tag in soup.find_all(src=True)]
    assert urls
    for url in urls:
        assert urlsplit(urljoin(base, url)).hostname == blog_hostname("links"), url
    assert soup.title.string and "Bears" in response.content.decode() or path == "/no-such-page/"


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/?q=bears", "/bears/"])
def test_every_reader_page_has_a_canonical_url_on_the_blogs_host(make_blogger, make_post, path):
    blog = make_blogger("canon")
    make_post(blog, title="Bears", slug="bears", tags=["bears"])
    canonical = soup_of(host_client(blog).get(path)).find("link", rel="canonical")["href"]
    assert canonical == f"http://{blog_hostname('canon')}:8000{path}"


# --- Error pages ----------------------------------------------------------------------


def test_a_missing_page_is_a_404_in_the_blogs_theme_title_and_nav(make_blogger):
    blog = make_blogger(title="Grizzly Notes")
    save_blog(blog, theme="mono", nav="[Home](/) [About bears](/about/)")
    response = host_client(blog).get("/no-such-post/")
    soup = soup_of(response)
    assert response.status_code == 404
    assert soup.title.string == "Not found · Grizzly Notes"
    assert soup.find("nav").find("a", string="About bears")["href"] == "/about/"
    assert soup.find("style").string == theme_css("mono")
    assert soup.find("link", rel="canonical") is None


def test_the_platform_404_stays_plain(platform_client):
    response = platform_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "og:site_name" not in response.content.decode()


def test_a_server_error_shows_no_traceback_or_detail(make_blogger, make_post, monkeypatch):
    blog = make_blogger()
    make_post(blog, slug="p")

    def explode(*args, **kwargs):
        raise RuntimeError("secret-detail-xyz")

    monkeypatch.setattr(PostPage, "serve", explode)
    client = host_client(blog)
    client.raise_request_exception = False
    response = client.get("/p/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "secret-detail-xyz" not in html and "Traceback" not in html
    assert "RuntimeError" not in html and "Something went wrong" in html


# --- Weight, cookies, scripts ---------------------------------------------------------

PROSE = (
    "the bear walked slowly through quiet morning forest looking for honey berries and "
    "some shade near river where salmon jumped against current while birds sang above"
)
WORDS = PROSE.split(" ")


def test_a_thousand_word_post_in_the_default_theme_weighs_under_10_kb(make_blogger, make_post):
    # Reviewed: the heavier head, with JSON-LD instead of noindex.
    blog = set_blog_flags(make_blogger("weigh", title="A typical blog"), reviewed=True)
    words = [WORDS[i % len(WORDS)] for i in range(1000)]
    paragraphs = [" ".join(words[i : i + 100]).capitalize() + "." for i in range(0, 1000, 100)]
    body = "## A heading\n\n" + "\n\n".join(paragraphs)
    make_post(blog, title="A typical post of a thousand words", slug="typical", body=body)
    response = host_client(blog).get("/typical/")
    size = len(response.content)
    print(f"1,000-word post page, default theme: {size} bytes of HTML+CSS")
    assert response.status_code == 200
    assert size < 10_240


@pytest.mark.parametrize("path", [*READER_PAGES, "/favicon.svg"])
def test_reader_pages_and_errors_set_no_cookies_and_load_no_javascript(
    make_blogger, make_post, path
):
    blog = save_blog(make_blogger(), favicon_emoji="🐻", custom_css="a{color:red}")
    make_post(blog, title="Bears", slug="bears", tags=["bears"])
    response = host_client(blog).get(path)
    assert response.status_code in (200, 404)
    assert not response.cookies and "Set-Cookie" not in response
    assert "<script" not in without_json_ld(response.content.decode())
