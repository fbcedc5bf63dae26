"""Bulk loads into PostgreSQL: COPY, two writers at once, and GIN pending lists merged less often.

Most of a PostgreSQL import of papers is the server's work on each row, not the client's: computing the
two generated search vectors (about 0.3 ms a paper for bench/ingest.py's abstracts) and merging them into
their GIN indexes. What the client can do is stream the rows (COPY), keep a second server process busy,
and let the GIN indexes merge in fewer, larger steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# Connections a bulk import writes on at once. PostgreSQL computes each connection's rows on one core:
# two took 100k papers from 93 s to 68 s (mean of 4) on this 2-core machine, three took 69 s. SQLite takes
# one writer at a time, and a writer thread beside the parser only cost it time (29.2 against 23.4 s).
WRITERS = {"postgresql": 2, "sqlite": 1}
# How long a GIN pending list a bulk transaction lets grow before it merges the list into the index, and
# the memory for the merge. Each merge visits pages all over the index, so fewer, larger merges cost less:
# 100k papers in 68 s (mean of 4) against 77 s (of 3) with the default 4 MB, server CPU 74-83 against
# 89-100 s. Searches read the list until it is merged, so it is kept well below the 256 MB that merged
# a larger share at the end, in one process (76 s), and `merge_gin_pending` empties it after the import.
GIN_PENDING = "64MB"


def bulk_writers(engine: Engine) -> int:
    """Return how many connections a bulk import of papers should write on at once (see WRITERS)."""
    return WRITERS.get(engine.dialect.name, 1)


def copy_rows(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY rows (dicts with the same keys; JSON columns as Python values) into a table, in one stream.

    JSON values go as orjson's text, None as JSON null: what SQLAlchemy's JSON type writes for an INSERT,
    so that either way in stores the same. Raises psycopg's error when the server refuses a row: COPY
    takes all rows or none.
    """
    if not rows:
        return
    columns = list(rows[0])
    json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, sa.JSON)]
    dumps = orjson.dumps
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            values = [row[c] for c in columns]
            for i in json_at:
                values[i] = dumps(values[i]).decode()
            write(values)


def defer_gin_merges(conn: Connection) -> None:
    """Let this transaction's writes grow GIN pending lists to GIN_PENDING before they merge them."""
    conn.exec_driver_sql(f"SET LOCAL gin_pending_list_limit = '{GIN_PENDING}'")
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{GIN_PENDING}'")  # what a merge by a write works in


def merge_gin_pending(conn: Connection, table: sa.Table) -> None:
    """Merge the pending lists of a table's GIN indexes into the indexes, so that searches read no list."""
    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{GIN_PENDING}'")  # what an asked-for merge uses
    conn.exec_driver_sql(
        "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        f"WHERE i.indrelid = '{table.name}'::regclass AND a.amname = 'gin'"
    )
