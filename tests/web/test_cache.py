"""Anonymous pages are reused for a few seconds; nothing personal is ever cached."""

from tests.web.conftest import post, sign_up


def test_anonymous_pages_are_reused(client):
    first = client.get("/?date=2026-04-01")
    second = client.get("/?date=2026-04-01")
    assert "x-cache" not in first.headers and second.headers["x-cache"] == "hit"
    assert second.text == first.text
    assert second.headers["content-security-policy"]  # the security headers are still added


def test_pages_with_a_form_are_never_cached(client):
    client.get("/signin")
    assert "x-cache" not in client.get("/signin").headers


def test_signed_in_visitors_never_get_the_anonymous_copy_and_writes_clear_it(client, other_client):
    other_client.get("/papers/2604.02459")
    assert other_client.get("/papers/2604.02459").headers.get("x-cache") == "hit"
    sign_up(client, "fresh")
    client.get("/papers/2604.02459")
    # A member's page is the members' skeleton filled for them (tests/web/test_personal.py), never a copy.
    assert client.get("/papers/2604.02459").headers.get("x-cache") == "filled"
    post(client, "/papers/2604.02459/comments", {"body": "New!"})
    page = other_client.get("/papers/2604.02459")
    assert "x-cache" not in page.headers and "New!" in page.text
