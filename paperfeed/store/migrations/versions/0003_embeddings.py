"""embeddings of papers for semantic search

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embeddings",
        sa.Column("paper_id", sa.Integer, nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("embedded_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("paper_id", name=op.f("pk_embeddings")),
    )
    op.create_index("ix_embeddings_embedded_at", "embeddings", ["embedded_at"])


def downgrade() -> None:
    op.drop_index("ix_embeddings_embedded_at", table_name="embeddings")
    op.drop_table("embeddings")
