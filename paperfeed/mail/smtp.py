"""Talking to the SMTP server: connecting as the settings say, and reading what a failure means."""

from __future__ import annotations

import smtplib
import ssl
from typing import Literal

from paperfeed.settings import Settings

Failure = Literal["temporary", "permanent", "connection"]


class MailNotConfigured(RuntimeError):
    """There is no SMTP server to send through."""


def connect(settings: Settings) -> smtplib.SMTP:
    """Return a connection ready to send: TLS as configured, signed in when credentials are set."""
    if not settings.smtp_host:
        raise MailNotConfigured("PAPERFEED_SMTP_HOST is not set: mail stays in the outbox until it is")
    if settings.smtp_tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    try:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def classify(exc: BaseException) -> tuple[Failure, str]:
    """Return what a sending error means and a line describing it.

    5xx replies are permanent (the address or message is refused); 4xx are
    temporary (try later); a dropped or refused connection is about the
    server, not the message: reconnect and try again.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (550, b"refused"))
        return ("permanent" if code >= 500 else "temporary"), f"{code} {_text(text)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "connection", f"connection dropped: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return ("permanent" if exc.smtp_code >= 500 else "temporary"), f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return "connection", f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
