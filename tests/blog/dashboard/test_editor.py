"""The dashboard's Markdown editor works offline: nothing loads from third-party hosts."""

import re
from pathlib import Path


def test_post_editor_serves_its_toolbar_icons_locally(make_blogger, login):
    blog = make_blogger()
    response = login(blog.owner).get(f"/dashboard/pages/add/blog/postpage/{blog.id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-controller="easymde"' in html
    assert 'data-easymde-autodownload-value="false"' in html
    assert "/static/vendor/font-awesome/font-awesome-editor.css" in html
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', html)
    assert external == []
    assert "gravatar" not in html  # the sidebar's avatar URL sits in a JSON blob


def test_icon_stylesheet_names_every_font_file_it_uses(settings):
    folder = Path(settings.BASE_DIR) / "static" / "vendor" / "font-awesome"
    css = (folder / "font-awesome-editor.css").read_text()
    for url in re.findall(r'url\("([^"?]+)', css):
        assert (folder / url).is_file(), url
    assert ".fa-bold:before" in css and ".fa-eye:before" in css
