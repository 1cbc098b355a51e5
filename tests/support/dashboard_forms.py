"""The dashboard's page forms as the browser posts them: a post's, a blog's, and their URLs."""

from django.urls import reverse
from django.utils import timezone

from blog.models import PostPage

DATE_FORMAT = "%Y-%m-%d %H:%M"  # the admin's date-time widget


def post_form(**fields):
    """Every field of the PostPage form, as the editor submits it (checkboxes: on or absent)."""
    data = {
        "title": "A post",
        "body": "Hello",
        "tags": "",
        "slug": "a-post",
        "alias": "",
        "published_date": (timezone.now() - timezone.timedelta(minutes=5)).strftime(DATE_FORMAT),
        "make_discoverable": "on",
        "meta_description": "",
        "canonical_url": "",
        "meta_image": "",
        "lang": "",
        "class_name": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def add_url(blog):
    return reverse("wagtailadmin_pages:add", args=["blog", "postpage", blog.id])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.id])


def add_post(admin, blog, publish=True, **fields):
    data = post_form(**fields)
    if publish:
        data["action-publish"] = "action-publish"
    response = admin.post(add_url(blog), data)
    assert response.status_code == 302, form_errors(response)
    return PostPage.objects.child_of(blog).get(slug=data["slug"])


def edit_post(admin, post, publish=True, **fields):
    data = post_form(**fields)
    if publish:
        data["action-publish"] = "action-publish"
    return admin.post(edit_url(post), data)


def form_errors(response):
    form = response.context and response.context.get("form")
    return dict(form.errors) if form is not None else response.status_code


def blog_form(blog, **fields):
    data = {
        "title": blog.title,
        "home_content": blog.home_content,
        "nav": blog.nav,
        "meta_description": blog.meta_description,
        "lang": blog.lang,
        "date_format": blog.date_format,
        "discoverable": "on" if blog.discoverable else None,
        "theme": blog.theme,
        "custom_css": blog.custom_css,
        "favicon_emoji": blog.favicon_emoji,
        "favicon_image": "",
        "social_image": "",
        "robots_txt": blog.robots_txt,
        "action-publish": "action-publish",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def settings_url():
    return reverse("bearcms_blog_settings")


def settings_form(blog, **fields):
    """Every field of the dashboard's Settings page (blog.dashboard.blog_settings), as the
    browser submits it (checkboxes: on or absent; an image: its id, or empty)."""
    data = {
        "title": blog.title,
        "meta_description": blog.meta_description,
        "social_image": blog.social_image_id or "",
        "home_content": blog.home_content,
        "home_post_list": "on" if blog.home_post_list else None,
        "nav": blog.nav,
        "lang": blog.lang,
        "date_format": blog.date_format,
        "discoverable": "on" if blog.discoverable else None,
        "email_notifications": "on" if blog.email_notifications else None,
        "favicon_emoji": blog.favicon_emoji,
        "favicon_image": blog.favicon_image_id or "",
        "robots_txt": blog.robots_txt,
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
