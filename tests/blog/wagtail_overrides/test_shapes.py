"""Each override of Wagtail, Django (and, in home.adapter, allauth) is written against the
shape of what it replaces or reaches into. These tests check that shape, so that an
upgrade that changes it fails here, naming the override, instead of quietly undoing it:
each assertion message says which override to revisit."""

import inspect

from allauth.account.adapter import DefaultAccountAdapter
from django.db.models import QuerySet
from django.http import HttpRequest
from django.test import RequestFactory
from modelsearch.backends.database.postgres.postgres import PostgresIndex
from wagtail.admin.urls import pages as wagtailadmin_pages_urls
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.frontend_cache.backends.cloudflare import (
    CloudflareBackend as WagtailCloudflareBackend,
)
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath
from wagtail.utils.urlpatterns import decorate_urlpatterns

from blog.tenants.page_urls import site_root_paths_for_page
from blog.wagtail_overrides import admin_urls, requests, search_norms, tree_lookups
from blog.wagtail_overrides.cloudflare import CloudflareBackend
from home.adapter import AccountAdapter


def parameters(function):
    return list(inspect.signature(function).parameters)


def test_request_host_reads_djangos_raw_host():
    assert callable(getattr(HttpRequest, "_get_raw_host", None)), (
        "blog.wagtail_overrides.requests.request_host: HttpRequest._get_raw_host is gone"
    )
    request = RequestFactory().get("/", HTTP_HOST="Blog.Example.com:8000")
    assert requests.request_host(request) == "blog.example.com"


def test_remember_site_is_the_site_wagtail_finds_for_the_request():
    assert "_wagtail_site" in inspect.getsource(Site.find_for_request), (
        "blog.wagtail_overrides.requests.remember_site: Site.find_for_request no longer "
        "reads request._wagtail_site"
    )
    request, site = RequestFactory().get("/"), Site(hostname="remembered.example")
    requests.remember_site(request, site)
    assert Site.find_for_request(request) is site


def test_page_urls_replace_the_method_wagtail_builds_every_url_from():
    assert Page._get_site_root_paths is site_root_paths_for_page, (
        "blog.wagtail_overrides.page_urls: not installed"
    )
    for method in (Page._get_relevant_site_root_paths, Page.get_url):
        assert "_get_site_root_paths" in inspect.getsource(method), (
            f"blog.wagtail_overrides.page_urls: Page.{method.__name__} no longer calls "
            "Page._get_site_root_paths"
        )
    assert SiteRootPath._fields == ("site_id", "root_path", "root_url", "language_code"), (
        "blog.tenants.page_urls builds SiteRootPath from these four fields"
    )


def test_tree_lookups_replace_startswith_on_page_and_collection_paths():
    for model in (Page, Site._meta.get_field("root_page").related_model):
        lookup = model._meta.get_field("path").get_lookup("startswith")
        assert lookup is tree_lookups.PathStartsWith, (
            "blog.wagtail_overrides.tree_lookups: startswith on tree paths is not ours"
        )
    # The range form is only right for treebeard's alphabet: digits, then capitals.
    assert Page.alphabet == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        "blog.wagtail_overrides.tree_lookups: treebeard's path alphabet changed"
    )


def test_tree_paths_use_treebeards_path_helpers_and_parent_cache():
    assert Page._get_path("0001", 2, 3) == "00010003", (
        "blog.wagtail_overrides.tree_paths: treebeard's _get_path changed"
    )
    assert Page._str2int("000Z") == 35, (
        "blog.wagtail_overrides.tree_paths: treebeard's _str2int changed"
    )
    assert "_cached_parent_obj" in inspect.getsource(Page.get_parent), (
        "blog.wagtail_overrides.tree_paths: Page.get_parent no longer reads _cached_parent_obj"
    )


def test_bulk_rows_use_the_querysets_private_insert():
    assert parameters(QuerySet._insert)[:3] == ["self", "objs", "fields"], (
        "blog.wagtail_overrides.bulk_rows: QuerySet._insert(objs, fields) changed"
    )


def test_spreadsheets_wrap_the_method_every_listing_export_calls():
    assert parameters(SpreadsheetExportMixin.preprocess_field_value) == [
        "self",
        "field",
        "value",
        "export_format",
    ], "blog.wagtail_overrides.spreadsheets: preprocess_field_value's signature changed"
    assert SpreadsheetExportMixin.preprocess_field_value.__module__ == (
        "blog.wagtail_overrides.spreadsheets"
    ), "blog.wagtail_overrides.spreadsheets: not installed"
    assert "preprocess_field_value" in inspect.getsource(SpreadsheetExportMixin.write_csv_row), (
        "blog.wagtail_overrides.spreadsheets: Wagtail no longer preprocesses each CSV cell"
    )


def test_cloudflare_backend_replaces_the_one_method_that_calls_cloudflare():
    assert parameters(WagtailCloudflareBackend._purge_urls) == ["self", "urls"], (
        "blog.wagtail_overrides.cloudflare: CloudflareBackend._purge_urls changed"
    )
    source = inspect.getsource(WagtailCloudflareBackend.__init__)
    for attribute in ("cloudflare_token", "cloudflare_zoneid"):
        assert attribute in source, (
            f"blog.wagtail_overrides.cloudflare: Wagtail's backend no longer sets {attribute}"
        )
    assert CloudflareBackend._purge_urls is not WagtailCloudflareBackend._purge_urls


def test_admin_urls_wrap_wagtails_own_page_patterns_in_place():
    names = {getattr(pattern, "name", None) for pattern in wagtailadmin_pages_urls.urlpatterns}
    assert names >= admin_urls.PREVIEW_VIEWS, (
        "blog.wagtail_overrides.admin_urls: the live preview views were renamed"
    )
    assert {"add", "edit", "delete", "move", "copy"} <= names
    assert "pattern.callback = " in inspect.getsource(decorate_urlpatterns), (
        "blog.wagtail_overrides.admin_urls: decorate_urlpatterns no longer wraps in place"
    )


def test_allauths_login_lock_key_is_still_the_method_home_adapter_replaces():
    assert parameters(DefaultAccountAdapter._get_login_attempts_cache_key) == [
        "self",
        "request",
        "credentials",
    ], "home.adapter.AccountAdapter._get_login_attempts_cache_key: allauth's changed"
    assert "_get_login_attempts_cache_key" in inspect.getsource(
        DefaultAccountAdapter.pre_authenticate
    ), "home.adapter: allauth no longer keys the failed-login lock with this method"
    assert AccountAdapter._get_login_attempts_cache_key is not (
        DefaultAccountAdapter._get_login_attempts_cache_key
    )


def test_search_norms_replace_the_refresh_modelsearch_runs_after_each_write():
    assert PostgresIndex._refresh_title_norms is search_norms.refresh_title_norms, (
        "blog.wagtail_overrides.search_norms: not installed"
    )
    assert parameters(search_norms.stock_refresh_title_norms) == ["self", "full"]
    for call in ("self._refresh_title_norms()", "title_norm=1.0"):
        assert call in inspect.getsource(PostgresIndex), (
            f"blog.wagtail_overrides.search_norms: PostgresIndex no longer has {call}"
        )
