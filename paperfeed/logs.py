"""Logging for the long-running commands: readable lines on a terminal, one JSON object per line elsewhere."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def _plain(record: logging.LogRecord) -> bool:
    """Drop uvicorn's copy of each message with terminal colour codes in it."""
    record.__dict__.pop("color_message", None)
    return True


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_plain)
    if sys.stderr.isatty():
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:  # for journald, docker and log shippers: structured
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "asctime": "time"},
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
