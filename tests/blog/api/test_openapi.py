"""docs/openapi.yaml is a valid OpenAPI document, describes every API address, and what
the API answers matches what it says."""

import json

import pytest
import yaml
from django.urls import get_resolver
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from blog.models import AccessToken
from tests.support.clients import host_client
from tests.support.paths import ROOT

SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())


def schema_check(name, instance):
    """Validate ``instance`` against the document's component ``name``."""
    root = {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    OAS31Validator(root).validate(instance)


def test_the_document_is_valid_openapi():
    validate(SPEC)


def test_every_api_address_is_described():
    """Each address is described once, with its slash (the same without it answers too)."""
    routes = {
        "/" + str(pattern.pattern).replace("<int:post_id>", "{id}").rstrip("/") + "/"
        for pattern in get_resolver("bearcms.urls_blog").url_patterns
        if str(pattern.pattern).startswith("api/")
    }
    assert routes and routes == set(SPEC["paths"])


@pytest.fixture
def client(make_blogger):
    blog = make_blogger()
    _row, token = AccessToken.issue(blog, blog.owner, "spec", AccessToken.WRITE)
    return host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_answers_match_the_document(client):
    created = client.post(
        "/api/posts/",
        json.dumps({"title": "Spec", "body": "x", "tags": ["a"], "draft": True}),
        content_type="application/json",
    )
    assert created.status_code == 201
    schema_check("Post", created.json())
    post_id = created.json()["id"]
    schema_check("PostList", client.get("/api/posts/").json())
    schema_check("Post", client.post(f"/api/posts/{post_id}/publish/").json())
    schema_check("Post", client.get(f"/api/posts/{post_id}/").json())
    for response in (
        client.post("/api/posts/", "{}", content_type="application/json"),
        client.get("/api/posts/999999/"),
        client.get("/api/posts/?page=99"),
    ):
        schema_check("Error", response.json())
    bad = client.post("/api/posts/", json.dumps({"title": 5}), content_type="application/json")
    schema_check("Error", bad.json())
    assert bad.json()["fields"] == {"title": ["Must be text."]}
