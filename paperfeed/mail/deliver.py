"""The sender: takes pending messages from the outbox and hands them to SMTP, one connection per run.

Each message is marked sent in its own commit right after the server accepts
it, so a sender killed between two messages resends nothing and the next run
sends the rest. (A crash in the instant between the server's acceptance and
that commit can still send one message twice; its Message-ID is the same
both times.) Temporary failures are retried a few times in the run, then left
pending with a doubling wait for later runs; permanent ones are recorded and
count as a bounce against the subscription, which stops after a few in a row.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from paperfeed.clock import now
from paperfeed.mail.smtp import classify, connect
from paperfeed.metrics import MAIL
from paperfeed.progress import progress_bar
from paperfeed.settings import Settings
from paperfeed.store.outbox import Outgoing, defer, due, mark_failed, mark_sent
from paperfeed.store.subscriptions import record_bounce, record_delivery

log = logging.getLogger(__name__)
TRIES_PER_RUN = 3
RETRY_WAIT = 1.0  # seconds before the second try in a run; doubled for the third


@dataclass
class Delivery:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    stopped: int = 0  # subscriptions stopped after repeated bounces
    error: str | None = None  # why the run ended early (the server cannot be reached)
    problems: list[str] = field(default_factory=list)


def send_outbox(
    engine: Engine,
    settings: Settings,
    *,
    keys: list[str] | None = None,
    total: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = now,
    connector: Callable[[Settings], smtplib.SMTP] = connect,
) -> Delivery:
    """Send what is due (or only the messages with these keys); return what happened."""
    report = Delivery()
    smtp: smtplib.SMTP | None = None
    after = 0
    bar = progress_bar(total=total, desc="sending", unit="mail")
    try:
        while True:
            with engine.connect() as conn:
                batch = due(conn, clock(), after_id=after, keys=keys)
            if not batch:
                break
            for message in batch:
                after = message.id
                smtp, outcome = _send_one(engine, settings, smtp, message, report, sleep, clock, connector)
                bar.update(1)
                if outcome == "unreachable":
                    return report
    finally:
        bar.close()
        for outcome in ("sent", "deferred", "failed"):
            MAIL.labels(outcome=outcome).inc(getattr(report, outcome))
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return report


def _send_one(
    engine: Engine,
    settings: Settings,
    smtp: smtplib.SMTP | None,
    message: Outgoing,
    report: Delivery,
    sleep: Callable[[float], None],
    clock: Callable[[], datetime],
    connector: Callable[[Settings], smtplib.SMTP],
) -> tuple[smtplib.SMTP | None, str]:
    error = ""
    for attempt in range(TRIES_PER_RUN):
        if attempt:
            sleep(RETRY_WAIT * 2 ** (attempt - 1))
        if smtp is None:
            try:
                smtp = connector(settings)
            except (smtplib.SMTPException, OSError) as exc:
                report.error = f"cannot reach the SMTP server {settings.smtp_host}:{settings.smtp_port}: {exc}"
                if attempt == TRIES_PER_RUN - 1:
                    log.warning("%s; %s stays pending", report.error, message.key)
                    return None, "unreachable"
                continue
        try:
            smtp.sendmail(settings.sender, [message.recipient], message.message)
        except (smtplib.SMTPException, OSError) as exc:
            kind, error = classify(exc)
            if kind == "permanent":
                with engine.begin() as conn:
                    mark_failed(conn, message.id, error)
                    stopped = message.subscription_id is not None and record_bounce(
                        conn, message.subscription_id, clock()
                    )
                report.failed += 1
                report.stopped += int(stopped)
                report.problems.append(f"{message.key} to {message.recipient}: refused: {error}")
                _reset(smtp)
                return smtp, "failed"
            if kind == "connection":
                smtp.close()
                smtp = None
            else:
                _reset(smtp)
            continue
        with engine.begin() as conn:
            mark_sent(conn, message.id, clock())
            if message.subscription_id is not None and message.bounces:
                record_delivery(conn, message.subscription_id)
        report.sent += 1
        report.error = None
        return smtp, "sent"
    with engine.begin() as conn:
        kept = defer(conn, message, error, clock())
    report.deferred += int(kept)
    report.failed += int(not kept)
    report.problems.append(f"{message.key} to {message.recipient}: {'will retry' if kept else 'gave up'}: {error}")
    return smtp, "deferred"


def _reset(smtp: smtplib.SMTP) -> None:
    """Clear a half-done transaction so the connection can carry the next message."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.rset()
