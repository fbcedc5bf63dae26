"""PostgreSQL: a title-only tsvector with its own GIN index, for keyword search's title stage

Revision ID: 0009
Revises: 0008

The weighted search_vector cannot tell title words from others in its GIN
index: asking it for title matches reads every paper with the word anywhere.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE papers ADD COLUMN title_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, ''))) STORED"
    )
    op.execute("CREATE INDEX ix_papers_title_vector ON papers USING gin (title_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_papers_title_vector")
    op.execute("ALTER TABLE papers DROP COLUMN title_vector")
