"""A queued message read back for people: its subject, addresses and text and HTML parts.

A site without a mail server still shows its mail to whoever runs it: printed where paperfeed runs
(so the demo's double opt-in can be completed from the console) and on the admins' mail page.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TextIO, cast


@dataclass(frozen=True, slots=True)
class Preview:
    subject: str
    sender: str
    recipient: str
    text: str
    html: str


def preview(raw: bytes) -> Preview:
    """Return the parts of an RFC 5322 message that a reader sees."""
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return Preview(
        subject=str(message.get("subject", "")),
        sender=str(message.get("from", "")),
        recipient=str(message.get("to", "")),
        text=cast(EmailMessage, text).get_content() if text is not None else "",
        html=cast(EmailMessage, html).get_content() if html is not None else "",
    )


def print_unsent(raw: bytes, out: TextIO | None = None) -> None:
    """Print a message that no mail server will carry, so the person running the site can read it."""
    seen = preview(raw)
    out = out or sys.stdout
    rule = "─" * 72
    out.write(
        f"{rule}\nNo mail server is set (PAPERFEED_SMTP_HOST), so this message was not sent; "
        f"admins also see it at /admin/mail.\nTo: {seen.recipient}\nSubject: {seen.subject}\n\n"
        f"{seen.text.strip()}\n{rule}\n"
    )
    out.flush()
