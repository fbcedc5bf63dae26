"""Digest speed: python bench/digest.py [--subscribers N] [--database URL]

Builds and sends N digests (default 10,000) to a local SMTP sink (aiosmtpd's
Sink handler, in its own process), then, in the same run, sends the very same
N messages again, pre-built, over one plain smtplib connection: the raw speed
of the sink and the SMTP round trips, which no sender can beat.

  digests   `queue_digests` (choose papers, render, write the outbox) then
            `send_outbox` (one connection, a commit per message)
  raw       smtplib.sendmail of the N pre-built messages, nothing else

Subscribers are split between daily trending digests and daily category
digests of 10 papers, over the bundled sample listed as a recent week.
Goal: all N under 60 s, and no slower than 2x the raw send.
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import free_port

from paperfeed.ingest import load_sample
from paperfeed.mail.compose import Composer
from paperfeed.mail.deliver import send_outbox
from paperfeed.mail.digest import queue_digests
from paperfeed.settings import Settings
from paperfeed.store.db import make_engine, migrate
from paperfeed.store.schema import outbox, papers, subscriptions

NOW = datetime(2026, 4, 6, 7, 0)


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("the SMTP sink did not start")


def prepare(settings: Settings, n: int):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    migrate(engine)
    load_sample(engine)
    with engine.begin() as conn:
        ids = conn.execute(sa.select(papers.c.id)).scalars().all()
        for paper_id in ids:
            conn.execute(
                papers.update()
                .where(papers.c.id == paper_id)
                .values(listed_on=NOW.date() - timedelta(days=paper_id % 6), base_upvotes=(paper_id * 7) % 13)
            )
        categories = ["cs.CL", "cs.LG", "cs.CV", "cs.AI"]
        rows = [
            {
                "email": f"reader{i}@example.org",
                "frequency": "daily",
                "topic": "trending" if i % 2 else "categories",
                "categories": [] if i % 2 else [categories[i % 4], categories[(i + 1) % 4]],
                "count": 10,
                "created_at": NOW,
                "confirmed_at": NOW,
                "bounces": 0,
            }
            for i in range(n)
        ]
        conn.execute(subscriptions.insert(), rows)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--database", default="", help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    n = args.subscribers
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        settings = Settings(
            database_url=args.database or f"sqlite:///{Path(tmp) / 'bench.db'}",
            data_dir=tmp,
            secret_key="bench-" + "k" * 40,
            site_url="https://papers.example.org",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls="none",
            mail_from="digest@example.org",
        )
        engine = prepare(settings, n)
        sink = start_sink(port)
        try:
            t0 = time.perf_counter()
            plan = queue_digests(engine, Composer.from_settings(settings), NOW)
            t1 = time.perf_counter()
            report = send_outbox(engine, settings, clock=lambda: NOW)
            t2 = time.perf_counter()
            assert plan.queued == n and report.sent == n, (plan, report)
            with engine.connect() as conn:
                messages = [bytes(m) for m in conn.execute(sa.select(outbox.c.message).order_by(outbox.c.id)).scalars()]
                size = sum(len(m) for m in messages) / len(messages)
            t3 = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                for i, message in enumerate(messages):
                    smtp.sendmail("digest@example.org", [f"reader{i}@example.org"], message)
            t4 = time.perf_counter()
        finally:
            sink.terminate()
            sink.wait(10)
    queue_s, send_s, raw_s = t1 - t0, t2 - t1, t4 - t3
    total = queue_s + send_s
    print(f"{n:,} digests of 10 papers, {size / 1024:.1f} KiB each, {engine.dialect.name}")
    print(f"  queue (choose, render, outbox)  {queue_s:7.2f} s  {n / queue_s:8.0f} /s")
    print(f"  send (outbox -> SMTP)           {send_s:7.2f} s  {n / send_s:8.0f} /s")
    print(f"  digests, all told               {total:7.2f} s  {n / total:8.0f} /s")
    print(f"  raw send of the same messages   {raw_s:7.2f} s  {n / raw_s:8.0f} /s   (baseline)")
    print(f"  ratio digests / raw             {total / raw_s:7.2f}x  (goal: under 60 s and at most 2x)")


if __name__ == "__main__":
    main()
