import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from paperfeed.store.db import downgrade, make_engine, migrate, schema_is_current
from paperfeed.store.schema import metadata


def test_migrations_go_up_down_and_up_again(empty_database_url):
    engine = make_engine(empty_database_url)
    assert not schema_is_current(engine)
    migrate(engine)
    assert schema_is_current(engine)
    assert {"papers", "harvest_checkpoints"} <= set(sa.inspect(engine).get_table_names())
    migrate(engine)  # safe to run on every start
    downgrade(engine, "base")
    assert "papers" not in sa.inspect(engine).get_table_names()
    migrate(engine)
    assert schema_is_current(engine)
    engine.dispose()


def _declared(obj, name, type_, reflected, compare_to):
    """Search structures are made by raw SQL (migrations 0002, 0008, 0009) and not declared: skip them."""
    return not (
        (type_ == "table" and name.startswith("papers_fts"))
        or (type_ == "column" and name in ("search_vector", "title_vector", "embedding"))
        or (
            type_ == "index"
            and name in ("ix_papers_search_vector", "ix_papers_title_vector", "ix_embeddings_embedding")
        )
    )


@pytest.mark.filterwarnings("ignore:Did not recognize type 'vector'")
def test_the_migrations_build_exactly_the_declared_schema(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _declared})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.postgres
def test_a_role_that_may_not_create_the_extension_migrates_without_it_then_gets_it(pg_server, caplog):
    """pgvector is not a trusted extension: a site's own role migrates fine, and a superuser's
    `CREATE EXTENSION vector` later gives it the column at the next `paperfeed migrate`."""
    from paperfeed.search.vectors import has_pgvector

    admin = sa.create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").scalar():
            pytest.skip("the PostgreSQL under test has no pgvector (scripts/install-pgvector installs it)")
        conn.exec_driver_sql("DROP DATABASE IF EXISTS site_db WITH (FORCE)")
        conn.exec_driver_sql("DROP ROLE IF EXISTS site_role")
        conn.exec_driver_sql("CREATE ROLE site_role LOGIN NOSUPERUSER")
        conn.exec_driver_sql("CREATE DATABASE site_db OWNER site_role")
    site = make_engine(pg_server.replace("postgres@", "site_role@") + "/site_db")
    try:
        migrate(site)
        with site.connect() as conn:
            assert not has_pgvector(conn)
        assert "CREATE EXTENSION" in caplog.text
        superuser = sa.create_engine(f"{pg_server}/site_db", isolation_level="AUTOCOMMIT")
        with superuser.connect() as conn:
            conn.exec_driver_sql("CREATE EXTENSION vector")
        superuser.dispose()
        migrate(site)
        with site.connect() as conn:
            assert has_pgvector(conn)
    finally:
        site.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE site_db WITH (FORCE)")
            conn.exec_driver_sql("DROP ROLE site_role")
        admin.dispose()
