"""Bear Blog's stock themes (Bear, Writer, Delightful, Plain HTML), re-created on our
theme variables: offered in the picker, inlined on reader pages, light and dark, and
readable (every variable colour keeps 4.5:1 against the background it is drawn on).

axe (tests/system/test_accessibility.py) looks at every theme in ``THEMES`` in Chromium;
the contrast check here is quicker and also covers what axe cannot see: browsers never
report visited-link colours to scripts, so ``--visited`` is only ever checked here.
"""

import re

import pytest
from bs4 import BeautifulSoup

from blog.models import THEMES
from blog.reader.themes import THEMES_DIR, theme_css
from tests.support.clients import host_client
from tests.system import test_accessibility

THEME_LABELS = dict(THEMES)
# Each new theme, the start of its label, and what of its look must reach the page.
BEAR_THEMES = {
    "bear": ("Bear:", ["--font:Verdana,sans-serif", "--link:#3273dc", "--bg:#01242e"]),
    "writer": ("Writer:", ["--font:Georgia", "--bg:#fffff8", "font-size:1.3em", "max-width:900px"]),
    "delightful": (
        "Delightful:",
        ['--font:"Times New Roman"', "--text:#573d3d", "font-size:1.1em", "max-width:900px"],
    ),
    "plain": ("Plain HTML:", ["--font:serif", "--link:#00e", "line-height:normal"]),
}
# Colours drawn on --bg, and those drawn on --code-bg (inline code and highlighted code).
ON_BG = ("text", "heading", "link", "visited", "muted")
ON_CODE_BG = ("text", "hc", "hk", "hs", "hn", "hf", "hd")
DARK_BLOCK = re.compile(r"@media \(prefers-color-scheme:dark\)\{:root\{([^}]*)\}\}")
COLOUR = re.compile(r"--([\w-]+):(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?)\b")


def luminance(colour):
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_schemes(theme):
    """The theme's colour variables, light then (when it has one) dark."""
    css = (THEMES_DIR / f"{theme}.css").read_text()
    light = dict(COLOUR.findall(DARK_BLOCK.sub("", css)))
    schemes = {"light": light}
    if dark := DARK_BLOCK.search(css):
        schemes["dark"] = {**light, **dict(COLOUR.findall(dark.group(1)))}
    return schemes


@pytest.mark.parametrize("theme", BEAR_THEMES)
def test_each_bear_theme_is_offered_with_a_label_a_blogger_understands(theme):
    label_start, _look = BEAR_THEMES[theme]
    assert THEME_LABELS[theme].startswith(label_start)
    assert "Bear Blog" in THEME_LABELS[theme]
    assert THEMES[0][0] == "default"  # still the first, and the field's default


def test_the_theme_page_offers_every_bear_theme_with_its_preview(make_blogger, login):
    blog = make_blogger()
    desk = login(blog.owner)
    soup = BeautifulSoup(desk.get("/dashboard/theme/").content.decode(), "html.parser")
    offered = {radio["value"] for radio in soup.find_all("input", attrs={"name": "theme"})}
    assert offered == set(THEME_LABELS)
    for theme, (label_start, _look) in BEAR_THEMES.items():
        assert soup.find("iframe", src=f"/dashboard/theme/preview/{theme}/")
        assert label_start in soup.find(id="theme-choice-content").get_text()
        assert desk.get(f"/dashboard/theme/preview/{theme}/").status_code == 200


@pytest.mark.parametrize("theme", BEAR_THEMES)
def test_a_bear_theme_is_inlined_on_the_home_page_and_on_a_post(make_blogger, make_post, theme):
    blog = make_blogger()
    blog.theme = theme
    blog.save_revision().publish()
    make_post(blog, slug="prose", body="Just words.")
    client = host_client(blog)
    for path, code in (("/", True), ("/prose/", False)):
        style = BeautifulSoup(client.get(path).content.decode(), "html.parser").find("style")
        assert style.string == theme_css(theme, code=code)
        for part in BEAR_THEMES[theme][1]:
            assert part in style.string


@pytest.mark.parametrize("theme", BEAR_THEMES)
def test_a_bear_theme_follows_the_readers_colour_scheme(theme):
    assert set(colour_schemes(theme)) == {"light", "dark"}
    assert "@media (prefers-color-scheme:dark)" in theme_css(theme)


@pytest.mark.parametrize("theme", [name for name, _label in THEMES])
def test_every_theme_colour_keeps_4_5_to_1_contrast_light_and_dark(theme):
    failures = []
    for scheme, colours in colour_schemes(theme).items():
        pairs = [(name, "bg") for name in ON_BG] + [(name, "code-bg") for name in ON_CODE_BG]
        for name, background in pairs:
            ratio = contrast(colours[name], colours[background])
            if ratio < 4.5:
                failures.append(f"{scheme} --{name} on --{background}: {ratio:.2f}")
    assert not failures, failures


def test_the_accessibility_test_runs_on_every_theme_bear_ones_included():
    assert test_accessibility.THEMES is THEMES
    assert set(BEAR_THEMES) <= {name for name, _label in test_accessibility.THEMES}
