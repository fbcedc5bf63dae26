"""submissions: papers members asked for, queued for the worker to fetch

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("arxiv_id", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_submissions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_index("ix_submissions_state_id", "submissions", ["state", "id"])
    op.create_index("ix_submissions_user_id_requested_at", "submissions", ["user_id", "requested_at"])
    op.create_index("ix_submissions_arxiv_id", "submissions", ["arxiv_id"])


def downgrade() -> None:
    op.drop_index("ix_submissions_arxiv_id", table_name="submissions")
    op.drop_index("ix_submissions_user_id_requested_at", table_name="submissions")
    op.drop_index("ix_submissions_state_id", table_name="submissions")
    op.drop_table("submissions")
