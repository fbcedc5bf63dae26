"""Control characters (NUL above all: PostgreSQL cannot store it) are a clear 400 in every input, never a 500."""

from __future__ import annotations

import pytest

from tests.api.conftest import new_token
from tests.web.conftest import csrf, post, sign_up

BAD = ["%00", "%01", "%0B", "%1F"]
ADDRESSES = [
    "/users/a{c}b",
    "/authors/a{c}b",
    "/organizations/a{c}b",
    "/categories/cs.C{c}L",
    "/papers/2604.0245{c}9",
    "/search?q=a{c}b",
    "/search?q=layer&category=cs{c}",
    "/feeds/search?q=a{c}b",
    "/feeds/private/a{c}b",
    "/api/daily_papers?submitter=a{c}b",
    "/api/daily_papers?date=2026-04-0{c}1",
    "/api/papers/search?q=a{c}b",
    "/api/papers/2604.02459{c}",
    "/subscribe?email=a{c}@example.org",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_addresses_with_control_characters_are_refused(client, address):
    for c in BAD:
        answer = client.get(address.format(c=c))
        assert answer.status_code == 400 and "Control characters" in answer.text, (address, c)


def test_tabs_and_line_breaks_are_still_text(client):
    assert client.get("/search?q=layer%09updates").status_code == 200
    assert client.get("/feeds/search?q=layer%0Aupdates").status_code == 200


def test_forms_with_control_characters_are_refused(client):
    assert post(client, "/signin", {"username": "ada\x00", "password": "x"}).status_code == 400
    assert post(client, "/signup", {"username": "eve", "password": "long enough \x00 pass"}).status_code == 400
    sign_up(client, "ada")
    for path, form in [
        ("/papers/2604.02459/comments", {"body": "nul \x00 inside"}),
        ("/papers/2604.02459/comments", {"body": "bell \x07"}),
        ("/collections", {"name": "list\x00"}),
        ("/collections", {"name": "ok", "description": "\x1b[31m"}),
        ("/settings/tokens", {"name": "t\x00"}),
        ("/subscribe", {"email": "ada@example.org", "timezone": "UTC\x00"}),
    ]:
        answer = post(client, path, form)
        assert answer.status_code == 400 and "Control characters" in answer.text, (path, form)
    ok = post(client, "/papers/2604.02459/comments", {"body": "line one\r\nline two\twith a tab"})
    assert ok.status_code == 303
    assert "line two" in client.get("/papers/2604.02459").text


def test_api_bodies_with_control_characters_are_refused(client):
    sign_up(client, "ada")
    token = new_token(client)
    auth = {"Authorization": f"Bearer {token}"}
    for path, body in [
        ("/api/collections", b'{"name": "list\\u0000"}'),
        ("/api/collections", b'{"name": "list\\u001F"}'),
        ("/api/papers/2604.02459/comments", b'{"text": "nul \\u0000"}'),
        ("/api/papers/2604.02459/comments", b'{"text": "raw \x01"}'),
    ]:
        answer = client.post(path, content=body, headers={**auth, "content-type": "application/json"})
        assert answer.status_code == 400 and "Control characters" in answer.json()["error"], (path, body)
    # An escaped backslash before "u0000" is text, not a NUL.
    fine = client.post(
        "/api/collections", content=b'{"name": "a \\\\u0000 b"}', headers={**auth, "content-type": "application/json"}
    )
    assert fine.status_code == 201 and fine.json()["name"] == "a \\u0000 b"
    assert csrf(client)
