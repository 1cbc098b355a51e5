"""The page readers get while the database or storage is down."""

OUTAGE_TEXT = "Back in a moment"


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert OUTAGE_TEXT in html
    assert "Traceback" not in html
    assert "Something went wrong" not in html  # the 500 page's words
