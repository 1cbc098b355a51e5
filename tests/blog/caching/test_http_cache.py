"""Reader pages tell browsers and CDNs how long to keep them, and answer 304s."""

from tests.support.clients import host_client


def test_reader_pages_are_public_and_cacheable(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p")
    for path in ("/", "/p/", "/blog/"):
        response = host_client(blog).get(path)
        assert response.status_code == 200
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=60", "s-maxage=3600"}, path
        assert response.has_header("ETag")
        assert "Cookie" not in response.get("Vary", "")


def test_a_matching_etag_gets_304_with_no_body(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p")
    client = host_client(blog)
    etag = client.get("/p/")["ETag"]
    response = client.get("/p/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""


def test_an_edited_post_gets_a_new_etag(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, slug="p", body="first")
    client = host_client(blog)
    etag = client.get("/p/")["ETag"]
    post.body = "second"
    post.save_revision().publish()
    response = client.get("/p/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "second" in response.content.decode()


def test_unknown_hosts_and_the_dashboard_are_not_marked_public(make_blogger, login):
    blog = make_blogger()
    assert "public" not in host_client("nope.localhost").get("/").get("Cache-Control", "")
    response = login(blog.owner).get("/dashboard/")
    assert "public" not in response.get("Cache-Control", "")
