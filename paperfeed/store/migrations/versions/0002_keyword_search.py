"""keyword search: FTS5 on SQLite, a weighted tsvector on PostgreSQL

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Title above authors above abstract, as search/keyword.py ranks them.
PG_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(authors::text, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(abstract, '')), 'C')"
)


def upgrade() -> None:
    op.create_table(
        "search_state",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_state")),
    )
    op.create_index("ix_papers_modified_at", "papers", ["modified_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_papers_search_vector ON papers USING gin (search_vector)")
    else:
        # Keeps its own copy of the text, so a changed paper is re-indexed by rowid alone.
        op.execute(
            "CREATE VIRTUAL TABLE papers_fts USING fts5("
            "title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_papers_search_vector")
        op.execute("ALTER TABLE papers DROP COLUMN search_vector")
    else:
        op.execute("DROP TABLE papers_fts")
    op.drop_index("ix_papers_modified_at", table_name="papers")
    op.drop_table("search_state")
