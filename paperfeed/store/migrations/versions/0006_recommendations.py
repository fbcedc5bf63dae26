"""dismissals, interests and computed picks for recommendations

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "dismissals",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("paper_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        _user_fk("dismissals"),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_dismissals_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name=op.f("pk_dismissals")),
    )
    op.create_table(
        "interests",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        _user_fk("interests"),
        sa.PrimaryKeyConstraint("user_id", "kind", "value", name=op.f("pk_interests")),
    )
    op.create_table(
        "picks",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("paper_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("because", Json, nullable=False),
        sa.Column("shared", Json, nullable=False),
        _user_fk("picks"),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name=op.f("pk_picks")),
    )
    op.create_table(
        "pick_runs",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime, nullable=False),
        sa.Column("signals", sa.Integer, nullable=False),
        _user_fk("pick_runs"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_pick_runs")),
    )


def downgrade() -> None:
    for table in ("pick_runs", "picks", "interests", "dismissals"):
        op.drop_table(table)
