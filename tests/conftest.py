"""Shared fixtures: a real SQLite file and a real PostgreSQL server for every store test."""

from __future__ import annotations

import contextlib
import glob
import gzip
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperfeed.settings import Settings
from paperfeed.sources.http import Polite, make_client
from paperfeed.store.db import make_engine, migrate

FIXTURES = Path(__file__).parent / "fixtures"
# The real recordings and samples lie beside the project, in ../shared/data.
SHARED_DATA = Path(os.environ.get("PAPERFEED_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def shared_data(name: str) -> Path:
    """Return a path in the shared real-data folder, skipping the test when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real arXiv recordings not available ({path} is absent); fixture-based tests still run")
    return path


def _pg_bindir() -> Path | None:
    candidates = [os.environ.get("PAPERFEED_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL on 127.0.0.1 from Debian's binaries; yield its base URL."""
    bindir = _pg_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
        if os.environ.get("PAPERFEED_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="paperfeed-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = free_port()
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "--auth=trust",
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", opts, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    """Return the name of a migrated template database; each test copies it."""
    admin = sa.create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE paperfeed_template"))
    admin.dispose()
    engine = make_engine(f"{pg_server}/paperfeed_template")
    migrate(engine)
    engine.dispose()
    return "paperfeed_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "paperfeed.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextlib.contextmanager
def _scratch_database(server: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """Create a PostgreSQL database (a copy of `template` if given) for one test; drop it after."""
    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f" TEMPLATE {template}" if template else "")))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def _fresh_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        path = tmp_path / "paperfeed.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with _scratch_database(request.getfixturevalue("pg_server"), "test", request.getfixturevalue("pg_template")) as url:
        yield url


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, migrated database: once on SQLite, once on PostgreSQL."""
    with _fresh_database(request.param, request, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a database with no tables at all, on each backend (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _scratch_database(request.getfixturevalue("pg_server"), "empty") as url:
        yield url


# Sources are tested through the real HTTP client with a transport serving fixtures, on a fake clock.


class FakeClock:
    """A monotonic clock that only moves when slept on: waits are recorded, never spent."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.calls: list[float] = []  # the time of each request

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def polite(clock: FakeClock) -> Callable[[Handler], Polite]:
    """Return a factory: give it a request handler, get the arXiv client every source uses."""

    def make(handler: Handler) -> Polite:
        def timed(request: httpx.Request) -> httpx.Response:
            clock.calls.append(clock.now)
            return handler(request)

        client = make_client(Settings(), transport=httpx.MockTransport(timed))
        return Polite.for_arxiv(client, Settings(), clock=clock, sleep=clock.sleep)

    return make


@pytest.fixture(scope="session")
def minilm():
    """The embedding model, a plain dependency: loaded once per run."""
    from paperfeed.search.embedder import MiniLM

    return MiniLM.load()


@pytest.fixture(scope="session")
def sample_vectors(minilm):
    """Embeddings of the sample corpus by arXiv id, computed once per run (about five seconds)."""
    from paperfeed.search.embedder import paper_text
    from paperfeed.sources.sample import read_daily_items

    records = list(read_daily_items())
    vectors = minilm.embed([paper_text(r.title, r.abstract) for r in records])
    return {r.arxiv_id: v for r, v in zip(records, vectors, strict=True)}


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it accepts; `.port` says where."""
    from tests.smtp import smtp_server

    with smtp_server() as (recorder, port):
        recorder.port = port
        yield recorder


def snapshot_cut_short(path: Path, papers: int = 3000) -> Path:
    """Write a gzipped snapshot of `papers` small papers cut off halfway through (a download broken off)."""
    lines = [
        orjson.dumps(
            {
                "id": f"2401.{n:05d}",
                "title": f"T{n}",
                "abstract": "x" * 300,
                "categories": "cs.LG",
                "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:01 GMT"}],
            }
        )
        for n in range(papers)
    ]
    data = gzip.compress(b"\n".join(lines) + b"\n")
    path.write_bytes(data[: len(data) // 2])
    return path
