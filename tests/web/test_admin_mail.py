"""A site without a mail server: its mail is printed where it runs and shown to admins, so double opt-in works."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, post, sign_up
from tests.web.test_community import _make_admin


def test_without_a_mail_server_the_confirmation_is_printed_and_shown_to_admins(
    client, other_client, database_url, capsys
):
    answer = post(client, "/subscribe", {"email": "reader@example.org", "frequency": "daily", "topic": "trending"})
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert "no mail server set up yet" in answer.text and "/admin/mail" in answer.text
    printed = capsys.readouterr().out
    assert "this message was not sent" in printed and "To: reader@example.org" in printed
    confirm = re.search(r"https?://\S+/subscribe/confirm\?token=\S+", printed).group(0)
    token = confirm.split("token=")[1]
    done = post(client, "/subscribe/confirm", {"token": token})
    assert done.status_code == 200 and "You are subscribed" in done.text  # the demo's opt-in, completed

    assert other_client.get("/admin/mail").status_code in (401, 403, 404)  # a visitor sees no one's mail
    sign_up(other_client, "nosy")
    assert other_client.get("/admin/mail").status_code in (403, 404)
    _make_admin(database_url)
    assert post(other_client, "/signin", {"username": "root1", "password": PASSWORD}).status_code == 303
    listing = other_client.get("/admin/mail").text
    assert "reader@example.org" in listing and "not sent: no mail server" in listing
    message_id = re.search(r'href="/admin/mail/(\d+)"', listing).group(1)
    message = other_client.get(f"/admin/mail/{message_id}").text
    assert "/subscribe/confirm?token=" in message and '<a href="http' in message
    html = other_client.get(f"/admin/mail/{message_id}/html")
    assert html.status_code == 200 and "sandbox" in html.headers["content-security-policy"]
    assert "default-src 'none'" in html.headers["content-security-policy"]
