"""Reader pages pass axe-core's checks in every theme, in light and in dark.

One blog whose home and post use every part of the reader templates (nav, headings, an
email signup form, a post list, code in each highlight colour, an image, a footnote, a
table, a task list, tags, the upvote button) is read in Chromium in each theme, and axe
checks each reader page: home, a post, /blog/ and /subscribe/. Only serious and critical
violations fail the test (text too faint to read, a control with no name...); axe's minor
and moderate findings are advice. A theme that follows the reader's colour scheme has
every page looked at again in the dark scheme, and the post is looked at again on a
phone's width, where long lines of code scroll sideways.
"""

from urllib.parse import urlsplit

import pytest

from blog.models import THEMES
from blog.reader.themes import theme_css
from tests.support.accessibility import serious_violations
from tests.support.browser import needs_chromium

pytestmark = needs_chromium

HOME = """Bears, mostly, and the code that counts them. Start with [the archive](/blog/).

{{ email-signup }}
"""
POST = """Counting bears is harder than it looks.[^1] See [the others](/blog/) first.

## Method

### Where

We walked the river. Some `inline code`, *emphasis* and **strong** words.

- [x] Walk the river
- [ ] Weigh the **brown** bears

```python
@dataclass
class Sighting:
    kind: str = "brown"
    weight_kg: int = 300

def count(sightings):
    # Each bear once, however often it is seen, and however far it has wandered off.
    return len(set(sightings)) + 0
```

```diff
- 12 bears
+ 13 bears
```

![A brown bear catching a salmon in a waterfall](/media/images/bear.png)

| Bear | Seen | Weight |
| --- | :---: | ---: |
| Brown | 12 | 300 kg |
| Black | 3 | 120 kg |

> The river was loud.

[^1]: They move.
"""
NAV = "[Home](/) [Blog](/blog/) [Subscribe](/subscribe/)"
PATHS = {"home": "/", "post": "/counting-bears/", "blog": "/blog/", "subscribe": "/subscribe/"}
# Themes are CSS alone: the markup, and so what most of axe's rules look at (names,
# labels, landmarks, headings), is the same in each. Every rule runs in the first theme;
# after that, and in the dark scheme, only the rules whose outcome depends on the styles.
STYLE_RULES = ["color-contrast", "link-in-text-block", "scrollable-region-focusable"]
# On a phone's width the code's long lines scroll their block sideways: the post is looked
# at there too, with the rules that depend on the layout.
PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_pages_have_no_serious_accessibility_violations_in_any_theme(
    live_server, browser_page, make_blogger, make_post
):
    blog = make_blogger("access")
    blog.nav, blog.home_content = NAV, HOME
    make_post(blog, title="Counting bears", slug="counting-bears", body=POST, tags=("bears",))
    origin = f"http://access.localhost:{urlsplit(live_server.url).port}"
    page = browser_page
    # Chromium keeps reader pages for their max-age (blog.caching.http_cache), so after a
    # theme change it would show the old theme; no-cache asks the server, as a hard
    # reload does.
    page.set_extra_http_headers({"Cache-Control": "no-cache"})
    desktop = page.viewport_size
    failures = []
    for number, (theme, _label) in enumerate(THEMES):
        blog.theme = theme
        blog.save_revision().publish()
        follows_scheme = "prefers-color-scheme" in theme_css(theme)
        for name, path in PATHS.items():
            page.emulate_media(color_scheme="light")
            assert page.goto(origin + path).status == 200
            light = serious_violations(page, STYLE_RULES if number else None)
            failures += [f"{theme} {name}: {line}" for line in light]
            if name == "post":
                page.set_viewport_size(PHONE)
                phone = serious_violations(page, STYLE_RULES)
                failures += [f"{theme} {name} (phone): {line}" for line in phone]
                page.set_viewport_size(desktop)
            if follows_scheme:
                page.emulate_media(color_scheme="dark")
                dark = serious_violations(page, STYLE_RULES)
                failures += [f"{theme} {name} (dark): {line}" for line in dark]
    assert not failures, "\n".join(failures)
