"""Subscribing through the site, with a real SMTP server: opt-in, digest, one-click unsubscribe."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from paperfeed import clock
from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.mail.tokens import make_confirm_token, make_token
from paperfeed.store.schema import outbox, subscriptions
from paperfeed.store.subscriptions import Preferences, Wanted
from tests.mail.conftest import NOW, spread_recent
from tests.web.conftest import csrf, post, sign_up


@pytest.fixture
def app_settings(app_settings, smtp):
    return dataclasses.replace(
        app_settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_tls="none",
        site_url="https://papers.example.org",
        smtp_timeout=5,
    )


def link(message, path: str) -> str:
    """Return the path and query of the first link to `path` in a message's text part."""
    text = message.get_body(("plain",)).get_content()
    url = re.search(rf"https://papers\.example\.org{re.escape(path)}\?token=[\w.-]+", text).group(0)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def signed(secret: str, purpose: str, sub_id: int, email: str) -> str:
    """Return a mail link's token as the site signs it (a confirm token carries a request)."""
    if purpose == "confirm":
        return make_confirm_token(secret, sub_id, email, Wanted(Preferences()))
    return make_token(secret, purpose, sub_id, email)


def outbox_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar()


def digest_run(site, when):
    state = site.state.services
    queue_digests(state.engine, state.composer, when)
    return send_outbox(state.engine, state.settings, clock=lambda: when, sleep=lambda s: None)


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(site, client, engine, smtp):
    spread_recent(engine)
    form = client.get("/subscribe?email=ada@example.org")
    assert 'value="ada@example.org"' in form.text
    answer = post(
        client, "/subscribe", {"email": "Ada@Example.org", "frequency": "daily", "topic": "trending", "count": "5"}
    )
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    [confirmation] = smtp.messages  # sent at once, by the request's background task
    assert confirmation["To"] == "ada@example.org" and "Confirm" in confirmation["Subject"]
    assert "List-Unsubscribe" not in confirmation  # nothing to unsubscribe from yet
    # Nothing but the confirmation goes out before the link is followed.
    assert digest_run(site, NOW).sent == 0
    confirm = link(confirmation, "/subscribe/confirm")
    page = client.get(confirm)  # a scanner following the link changes nothing
    assert page.status_code == 200 and "Confirm" in page.text
    assert digest_run(site, NOW).sent == 0
    done = client.post("/subscribe/confirm", data={"token": confirm.split("token=")[1]})
    assert done.status_code == 200 and "You are subscribed" in done.text
    assert digest_run(site, NOW).sent == 1
    digest = smtp.messages[-1]
    assert digest.get_content_type() == "multipart/alternative"
    assert len(re.findall(r"/papers/", digest.get_body(("plain",)).get_content())) >= 5
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the https URL in the header.
    url = re.search(r"<(https://[^>]+)>", digest["List-Unsubscribe"]).group(1)
    parts = urlsplit(url)
    fresh = type(client)(site)  # no cookies: a mail client, not a browser
    gone = fresh.post(
        f"{parts.path}?{parts.query}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert gone.status_code == 200 and "unsubscribed" in gone.text
    assert digest_run(site, NOW + timedelta(days=1)).sent == 0
    assert len(smtp.messages) == 2


def test_the_unsubscribe_page_asks_before_acting(site, client, engine, smtp):
    post(client, "/subscribe", {"email": "ada@example.org"})
    client.post("/subscribe/confirm", data={"token": link(smtp.messages[0], "/subscribe/confirm").split("=")[1]})
    with engine.connect() as conn:
        sub_id = conn.execute(sa.select(subscriptions.c.id)).scalar()
    token = make_token(site.state.services.composer.secret, "unsubscribe", sub_id, "ada@example.org")
    page = client.get(f"/unsubscribe?token={token}")
    assert "Stop sending the digest to ada@example.org?" in page.text
    with engine.connect() as conn:
        assert conn.execute(sa.select(subscriptions.c.unsubscribed_at)).scalar() is None
    client.post("/unsubscribe", data={"token": token})
    with engine.connect() as conn:
        assert conn.execute(sa.select(subscriptions.c.unsubscribed_at)).scalar() is not None


def test_managing_preferences_from_the_link_in_a_mail(site, client, engine, smtp):
    post(client, "/subscribe", {"email": "ada@example.org"})
    client.post("/subscribe/confirm", data={"token": link(smtp.messages[0], "/subscribe/confirm").split("=")[1]})
    post(client, "/subscribe", {"email": "ada@example.org"})  # again, later: a note with the manage link
    with engine.begin() as conn:
        conn.execute(subscriptions.update().values(confirm_sent_at=None))
    post(client, "/subscribe", {"email": "ada@example.org"})
    note = smtp.messages[-1]
    assert "already receives" in note.get_body(("plain",)).get_content()
    manage = link(note, "/subscriptions/manage")
    assert "Your digest" in client.get(manage).text
    token = manage.split("token=")[1]
    bad = post(
        client,
        "/subscriptions/manage",
        {"token": token, "frequency": "weekly", "topic": "categories", "categories": "", "count": "10"},
    )
    assert bad.status_code == 400 and "at least one category" in bad.text
    saved = post(
        client,
        "/subscriptions/manage",
        {"token": token, "frequency": "weekly", "topic": "categories", "categories": "cs.CL, cs.LG", "count": "20"},
    )
    assert saved.status_code == 200 and "Saved" in saved.text
    with engine.connect() as conn:
        row = conn.execute(sa.select(subscriptions)).one()
    assert (row.frequency, row.topic, row.categories, row.count) == ("weekly", "categories", ["cs.CL", "cs.LG"], 20)


@pytest.mark.parametrize(
    "email, why",
    [
        ("ada@example.org\r\nBcc: eve@example.org", "line breaks"),
        ("ada@example.org\nSubject: free money", "line breaks"),
        ("Ada <ada@example.org>", "before the @"),
        ("not an address", "looks like"),
        ("", "Enter an email"),
    ],
)
def test_malformed_addresses_and_header_injection_are_refused(site, client, engine, smtp, email, why):
    answer = post(client, "/subscribe", {"email": email})
    assert answer.status_code == 400 and why in answer.text
    assert outbox_count(engine) == 0 and smtp.messages == []


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"frequency": "hourly"}, "daily or a weekly"),
        ({"topic": "everything"}, "what the digest should carry"),
        ({"topic": "categories", "categories": "<script>"}, "is not an arXiv category"),
        ({"count": "5000"}, "from 1 to 50"),
        ({"count": "ten"}, "whole number"),
    ],
)
def test_bad_preferences_are_refused(client, engine, fields, why):
    answer = post(client, "/subscribe", {"email": "ada@example.org", **fields})
    assert answer.status_code == 400 and why in answer.text
    assert "<script>" not in answer.text
    assert outbox_count(engine) == 0


@pytest.mark.parametrize("path", ["/subscribe/confirm", "/unsubscribe", "/subscriptions/manage"])
def test_forged_expired_and_misdirected_tokens_are_refused(site, client, engine, path, monkeypatch):
    post(client, "/subscribe", {"email": "ada@example.org"})
    with engine.connect() as conn:
        sub_id = conn.execute(sa.select(subscriptions.c.id)).scalar()
    secret = site.state.services.composer.secret
    purpose = {"/subscribe/confirm": "confirm", "/unsubscribe": "unsubscribe", "/subscriptions/manage": "manage"}
    wrong_purpose = signed(
        secret, "manage" if path != "/subscriptions/manage" else "confirm", sub_id, "ada@example.org"
    )
    for token, why in [
        (signed("another-secret-" + "z" * 30, purpose[path], sub_id, "ada@example.org"), "not valid"),
        (signed(secret, purpose[path], sub_id, "eve@example.org"), "no longer exists"),
        (signed(secret, purpose[path], sub_id + 1, "ada@example.org"), "no longer exists"),
        (wrong_purpose, "not valid"),
        ("", "incomplete"),
    ]:
        answer = client.get(path, params={"token": token})
        assert answer.status_code == 400 and why in answer.text, (token, answer.text[:300])
    from paperfeed.mail import tokens

    good = signed(secret, purpose[path], sub_id, "ada@example.org")
    monkeypatch.setitem(tokens.LIFETIMES, purpose[path], -1)
    assert "expired" in client.get(path, params={"token": good}).text
    assert client.post("/unsubscribe", params={"token": good}).status_code == 400


def test_repeated_requests_send_one_confirmation_and_floods_are_limited(client, engine, smtp):
    for _ in range(3):
        assert post(client, "/subscribe", {"email": "ada@example.org"}).status_code == 200
    assert len(smtp.messages) == 1  # one mail per address in ten minutes, whatever is asked
    answers = [post(client, "/subscribe", {"email": f"victim{n}@example.org"}).status_code for n in range(10)]
    assert answers.count(429) == 3  # ten requests an hour from one address
    assert len(smtp.messages) == 8


def test_anonymous_pages_stay_cacheable_with_the_subscribe_form(client):
    page = client.get("/")
    assert 'action="/subscribe"' in page.text and "csrf_token" not in page.text
    assert client.get("/").headers.get("x-cache") == "hit"


def test_settings_show_the_digest_and_the_private_feed(client, smtp):
    sign_up(client, "ada")
    page = client.get("/settings")
    assert "Email digest" in page.text and "/feeds/private/" in page.text
    post(client, "/subscribe", {"email": "ada@example.org"})
    page = client.get("/settings")
    assert "ada@example.org" in page.text and "waiting for confirmation" in page.text
    feed = re.search(r"/feeds/private/[\w-]+", page.text).group(0)
    assert client.get(feed).status_code == 200
    assert post(client, "/settings/feed").status_code == 303
    assert client.get(feed).status_code == 404  # the old address stops working
    assert csrf(client)


def _row(engine, email: str):
    with engine.connect() as conn:
        return conn.execute(sa.select(subscriptions).where(subscriptions.c.email == email)).one()


def _past_resend_window(engine) -> None:
    with engine.begin() as conn:
        conn.execute(subscriptions.update().values(confirm_sent_at=clock.now() - timedelta(hours=1)))


def test_a_stranger_cannot_take_over_a_pending_subscription(client, other_client, engine, smtp):
    post(client, "/subscribe", {"email": "ada@example.org", "frequency": "daily", "topic": "trending"})
    [mine] = smtp.messages
    sign_up(other_client, "mallory")
    weekly = {"email": "ada@example.org", "frequency": "weekly", "topic": "categories", "categories": "cs.CL"}
    assert post(other_client, "/subscribe", weekly).status_code == 200  # the same answer as for anyone
    row = _row(engine, "ada@example.org")
    assert (row.frequency, row.topic, row.user_id) == ("daily", "trending", None)  # nothing changed
    _past_resend_window(engine)
    post(other_client, "/subscribe", weekly)  # now a second mail goes to ada, carrying mallory's request
    theirs = smtp.messages[-1]
    assert len(smtp.messages) == 2
    page = client.get(link(theirs, "/subscribe/confirm"))
    assert "weekly digest of cs.CL" in page.text and "@mallory" in page.text  # ada sees who asked
    token = link(mine, "/subscribe/confirm").split("token=")[1]
    assert "You are subscribed" in client.post("/subscribe/confirm", data={"token": token}).text
    row = _row(engine, "ada@example.org")
    assert (row.frequency, row.topic, row.user_id) == ("daily", "trending", None)  # what ada asked for
    assert "ada@example.org" not in other_client.get("/settings").text


def test_a_pending_row_made_by_a_stranger_is_decided_by_the_mail(client, other_client, engine, smtp):
    sign_up(other_client, "mallory")
    post(other_client, "/subscribe", {"email": "ada@example.org", "frequency": "weekly"})
    settings = other_client.get("/settings").text
    assert "waiting for confirmation" in settings
    assert "/subscriptions/manage" not in settings  # no manage link before the address confirms
    _past_resend_window(engine)
    post(client, "/subscribe", {"email": "ada@example.org", "frequency": "daily"})
    token = link(smtp.messages[-1], "/subscribe/confirm").split("token=")[1]
    client.post("/subscribe/confirm", data={"token": token})
    row = _row(engine, "ada@example.org")
    assert (row.frequency, row.user_id) == ("daily", None) and row.confirmed_at is not None
    assert "ada@example.org" not in other_client.get("/settings").text


def test_a_member_confirming_their_own_request_finds_it_in_settings(client, engine, smtp):
    sign_up(client, "ada")
    post(client, "/subscribe", {"email": "ada@example.org", "frequency": "weekly"})
    token = link(smtp.messages[-1], "/subscribe/confirm").split("token=")[1]
    assert "@ada" in client.get("/subscribe/confirm", params={"token": token}).text
    client.post("/subscribe/confirm", data={"token": token})
    settings = client.get("/settings").text
    assert "ada@example.org: weekly" in settings and "/subscriptions/manage" in settings
