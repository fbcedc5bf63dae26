"""Engines for SQLite (WAL) and PostgreSQL, and the migrations that shape them."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def _json_dumps(obj: object) -> str:
    return orjson.dumps(obj).decode()


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL lets readers (the web) run while a writer (ingest) commits.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def driver_rows(conn: sa.Connection, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
    """Run a read on the driver's own cursor: for the few reads every signed-in request makes.

    SQLAlchemy's execution (context, result, type processing) cost 5 to 10 times a small indexed
    read itself (bench/pages.py); these reads take plain values, so the driver alone serves. `sql`
    uses `?` placeholders; datetimes are passed as each backend stores them (see `stored_time`).
    """
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def stored_time(conn: sa.Connection, value: datetime) -> object:
    """A naive UTC datetime as the backend's column holds it: SQLAlchemy keeps SQLite's as ISO text."""
    return value.isoformat(" ", "microseconds") if conn.dialect.name == "sqlite" else value


def make_engine(url: str) -> Engine:
    """Return an engine for a database URL, creating the folder of a SQLite file."""
    parsed = sa.make_url(url)
    kwargs: dict = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
        # As many kept connections as the web's thread pool has threads: a SQLite connection is cheap to keep
        # and costly to open (pragmas, schema), and the default pool of 5 closed its overflow after each use.
        # LIFO: the connection just returned is the one taken next, its page cache warm (FIFO cycled all 40).
        engine = sa.create_engine(parsed, pool_size=40, max_overflow=0, pool_timeout=60, pool_use_lifo=True, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql+psycopg")


def upsert(conn: sa.Connection, table: sa.Table):  # type: ignore[no-untyped-def]
    """Return an INSERT that can take ON CONFLICT clauses, in the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`; safe to run on every start."""
    command.upgrade(_alembic_config(engine), revision)
    if revision == "head":
        ensure_pgvector(engine)


def has_pgvector(conn: sa.Connection) -> bool:
    """Whether this store keeps vectors in a pgvector column (PostgreSQL with the extension: migration 0008)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(
        conn.exec_driver_sql(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'embeddings' AND column_name = 'embedding'"
        ).scalar()
    )


def pgvector_creatable(conn: sa.Connection) -> bool:
    """Whether this store can have pgvector: the extension is created already, or installed and this role
    may create it (pgvector is not a trusted extension: creating it takes a superuser)."""
    return bool(
        conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') OR ("
            "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AND "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user))"
        ).scalar()
    )


def add_pgvector(conn: sa.Connection) -> None:
    """The embedding column and its HNSW index (m 16, ef_construction 64: recall@10 above 0.97 at 1M)."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
    conn.exec_driver_sql("ALTER TABLE embeddings ADD COLUMN embedding vector(384)")
    conn.exec_driver_sql(
        "CREATE INDEX ix_embeddings_embedding ON embeddings USING hnsw "
        "(embedding vector_ip_ops) WITH (m = 16, ef_construction = 64)"
    )


def ensure_pgvector(engine: Engine) -> bool:
    """Give a PostgreSQL store its pgvector column and index if the extension was installed (or created
    by a superuser) after migration 0008 ran; return whether the store has them."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as conn:
        if has_pgvector(conn):
            return True
        if not pgvector_creatable(conn):
            if conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").scalar():
                log.warning(
                    "pgvector is installed but this role may not create it: run `CREATE EXTENSION "
                    "vector` in this database as a superuser, then `paperfeed migrate` and `paperfeed index`"
                )
            return False
        add_pgvector(conn)
    return True


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_alembic_config(engine), revision)


def schema_is_current(engine: Engine) -> bool:
    """Return whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
