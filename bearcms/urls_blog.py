"""URLs of a blog host (<subdomain>.<BLOG_DOMAIN>): reader pages only.

No admin, no accounts: the dashboard lives on the platform host alone, so its
cookies and views never exist on a blog's origin.
"""

from django.conf import settings
from django.urls import path, re_path
from wagtail import views as wagtail_views
from wagtail.urls import serve_pattern

from blog.api import micropub
from blog.api import views as api
from blog.core.names import GUESSED_FEED_PATHS, OLD_ADDRESS_WITH_A_DOT
from blog.federation import views as federation
from blog.reader import drafts, fonts, views
from blog.subscribers import views as subscriptions

# The JSON API, at each address with its slash and without: a client that follows
# Django's redirect to the slash would resend a POST or PATCH as a GET, without its body.
API_ROUTES = [
    path(route.rstrip("/") if bare else route, view, name=None if bare else name)
    for route, view, name in [
        ("api/posts/", api.posts, "blog_api_posts"),
        ("api/posts/<int:post_id>/", api.post_detail, "blog_api_post"),
        ("api/posts/<int:post_id>/publish/", api.publish, "blog_api_publish"),
        ("api/posts/<int:post_id>/unpublish/", api.unpublish, "blog_api_unpublish"),
    ]
    for bare in (False, True)
]

# Where other servers find accounts and software (blog.federation): on blog hosts and on
# the platform host alike (bearcms.urls).
FEDIVERSE_DISCOVERY = [
    path(".well-known/webfinger", federation.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", federation.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", federation.nodeinfo, name="nodeinfo"),
]

urlpatterns = [
    path("blog/", views.post_index, name="blog_post_index"),
    path("favicon.svg", views.emoji_svg, name="blog_favicon_svg"),
    path("favicon.ico", views.favicon_ico, name="blog_favicon_ico"),
    path("apple-touch-icon.png", views.apple_touch_icon, name="blog_apple_touch_icon"),
    path("apple-touch-icon-precomposed.png", views.apple_touch_icon),
    path("sitemap.xml", views.sitemap, name="blog_sitemap"),
    path("robots.txt", views.robots_txt, name="blog_robots_txt"),
    # Web fonts from the blog's own documents, for its custom CSS (font-src 'self').
    path("fonts/<str:name>", fonts.font, name="blog_font"),
    path("feed/", views.feed, name="blog_feed"),
    *(path(route, views.feed) for route in GUESSED_FEED_PATHS),
    path("upvote/<int:post_id>/", views.upvote, name="blog_upvote"),
    # A post's draft, shown to whoever has its secret link (blog.reader.drafts).
    re_path(r"^draft/(?P<token>[A-Za-z0-9_-]{32})/$", drafts.draft, name="blog_draft"),
    # /hit/<post id>/, the analytics pixel, is answered by blog.analytics.hits.HitPixelMiddleware.
    path("subscribe/", subscriptions.subscribe, name="blog_subscribe"),
    path("subscribe/confirm/<str:token>/", subscriptions.confirm, name="blog_subscribe_confirm"),
    path("subscribe/unsubscribe/<str:token>/", subscriptions.unsubscribe, name="blog_unsubscribe"),
    # Writing from apps and scripts with a personal access token (blog.api, docs/api.md).
    path("micropub", micropub.micropub, name="blog_micropub"),
    path("micropub/media", micropub.media, name="blog_micropub_media"),
    *API_ROUTES,
    # ActivityPub: the blog as an account people follow from Mastodon (docs/activitypub.md).
    path("", federation.home),
    path("ap/actor", federation.actor, name="blog_ap_actor"),
    path("ap/inbox", federation.inbox, name="blog_ap_inbox"),
    path("ap/outbox", federation.outbox, name="blog_ap_outbox"),
    path("ap/followers", federation.followers, name="blog_ap_followers"),
    path("ap/posts/<int:post_id>", federation.note, name="blog_ap_note"),
    path("ap/posts/<int:post_id>/<int:gen>", federation.note),
    *FEDIVERSE_DISCOVERY,
    # Wagtail links a password-protected page to its password form; blog hosts have no
    # sessions to remember a password in, so that address leads nowhere.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.not_public,
        name="wagtailcore_authenticate_with_password",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A reader who mistypes an address stays on the blog: a 404 in its theme and navigation.
handler404 = "blog.reader.views.not_found"
# A database outage answers 503 "back in a moment"; anything else the plain 500 page.
handler500 = "bearcms.server_errors.server_error"

# Only Wagtail's page-serving view: not its /_util/ login and password views.
urlpatterns.append(re_path(serve_pattern, wagtail_views.serve, name="wagtail_serve"))
# A page's path never has a dot, but an old address a post keeps may (Bear's
# 2012/01/02/cool-post.html): Wagtail's view again, for BlogPage.route's alias lookup.
urlpatterns.append(re_path(OLD_ADDRESS_WITH_A_DOT, wagtail_views.serve))
