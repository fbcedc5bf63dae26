"""papers and harvest checkpoints

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("arxiv_id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("abstract", sa.Text, nullable=False),
        sa.Column("authors", Json, nullable=False),
        sa.Column("affiliations", Json),
        sa.Column("categories", Json, nullable=False),
        sa.Column("primary_category", sa.String(32)),
        sa.Column("published_at", sa.DateTime),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("latest_version", sa.Integer),
        sa.Column("versions", Json),
        sa.Column("comments", sa.Text),
        sa.Column("journal_ref", sa.Text),
        sa.Column("doi", sa.Text),
        sa.Column("report_no", sa.Text),
        sa.Column("license", sa.Text),
        sa.Column("abs_url", sa.Text),
        sa.Column("pdf_url", sa.Text),
        sa.Column("organization", sa.Text),
        sa.Column("listed_on", sa.Date, nullable=False),
        sa.Column("base_upvotes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("fetched_at", sa.DateTime),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("modified_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_papers"),
        sa.UniqueConstraint("arxiv_id", name="uq_papers_arxiv_id"),
    )
    op.create_index("ix_papers_listed_on_id", "papers", ["listed_on", "id"])
    op.create_index("ix_papers_primary_category", "papers", ["primary_category"])
    op.create_table(
        "harvest_checkpoints",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("from_date", sa.Date),
        sa.Column("resumption_token", sa.Text),
        sa.Column("last_success_date", sa.Date),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_harvest_checkpoints"),
    )


def downgrade() -> None:
    op.drop_table("harvest_checkpoints")
    op.drop_index("ix_papers_primary_category", table_name="papers")
    op.drop_index("ix_papers_listed_on_id", table_name="papers")
    op.drop_table("papers")
