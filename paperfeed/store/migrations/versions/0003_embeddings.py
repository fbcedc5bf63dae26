"""embeddings of papers for semantic search, and keywords

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
    op.create_table(
        "paper_keywords",
        sa.Column("paper_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("keyword", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("paper_id", "position", name=op.f("pk_paper_keywords")),
    )
    op.create_table(
        "word_df",
        sa.Column("word", sa.String(64), nullable=False),
        sa.Column("df", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_word_df")),
    )


def downgrade() -> None:
    op.drop_table("word_df")
    op.drop_table("paper_keywords")
    op.drop_index("ix_embeddings_embedded_at", table_name="embeddings")
    op.drop_table("embeddings")
