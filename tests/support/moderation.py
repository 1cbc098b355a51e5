"""Staff moderation: the dodginess settings, established accounts, the review queue."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from blog.models import ModerationSettings


def moderation(highlight="", blacklisted="", threshold=10):
    settings = ModerationSettings.load()
    settings.highlight_terms, settings.blacklisted_terms = highlight, blacklisted
    settings.threshold = threshold
    settings.save()
    return settings


def established(blog):
    """The blog's owner signed up a month ago: no new-account points."""
    month_ago = timezone.now() - timedelta(days=30)
    get_user_model().objects.filter(pk=blog.owner.pk).update(date_joined=month_ago)
    return blog


def queue_url():
    return reverse("bearcms_review:index")


def action_url(blog, action):
    if action == "delete":
        return reverse("bearcms_review:delete", args=[blog.pk])
    return reverse("bearcms_review:moderate", args=[blog.pk, action])


def listed(client, **params):
    response = client.get(queue_url(), params)
    assert response.status_code == 200
    return [listed_blog.subdomain for listed_blog in response.context["page"]]
