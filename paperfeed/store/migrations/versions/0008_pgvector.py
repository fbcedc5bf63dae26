"""on PostgreSQL with pgvector: embeddings in a vector column with an HNSW index

Revision ID: 0008
Revises: 0007

Only where the `vector` extension is created, or installed and this role is a
superuser (see docs/deploy.md); without it, PostgreSQL sites search vectors in
the web worker as SQLite sites do.
Existing embeddings are copied into the column by `paperfeed index`.
"""

from alembic import op

from paperfeed.store.db import add_pgvector, pgvector_creatable

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and pgvector_creatable(bind):
        add_pgvector(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_embeddings_embedding")
    op.execute("ALTER TABLE embeddings DROP COLUMN IF EXISTS embedding")
