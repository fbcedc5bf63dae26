"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, recording what arrives, with faults on demand."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.conftest import free_port


class Recorder:
    """An aiosmtpd handler: keeps each accepted message; answers with the faults it is told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.faults: list[str] = []  # per DATA, in order: "451" (try later), "550" (refused), "drop" (hang up)
        self.refused: set[str] = set()  # recipients answered 550 at RCPT
        self.kill: tuple[int, int] | None = None  # (pid, n): kill that process when its n-th MAIL FROM arrives
        self.mail_from = 0
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        self.mail_from += 1
        if self.kill and self.mail_from == self.kill[1]:
            os.kill(self.kill[0], signal.SIGKILL)
            await asyncio.sleep(0.2)
            return "421 4.3.0 going away"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        fault = self.faults.pop(0) if self.faults else None
        if fault == "451":
            return "451 4.3.0 try again later"
        if fault == "550":
            return "550 5.7.1 message refused"
        if fault == "drop":
            server.transport.close()
            return "421 4.3.0 closing"
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()
