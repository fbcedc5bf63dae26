"""on PostgreSQL with pgvector: embeddings in a vector column with an HNSW index

Revision ID: 0008
Revises: 0007

Only where the `vector` extension is installed (see docs/deploy.md); without
it, PostgreSQL sites search vectors in the web worker as SQLite sites do.
Existing embeddings are copied into the column by `paperfeed index`.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").scalar()
    if not available:
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute("ALTER TABLE embeddings ADD COLUMN embedding vector(384)")
    op.execute("CREATE INDEX ix_embeddings_embedding ON embeddings USING hnsw (embedding vector_ip_ops) "
               "WITH (m = 16, ef_construction = 64)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_embeddings_embedding")
    op.execute("ALTER TABLE embeddings DROP COLUMN IF EXISTS embedding")
