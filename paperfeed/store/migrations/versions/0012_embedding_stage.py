"""embeddings: which pass made each one (1 = the quick pass over titles, 2 = full text)

Revision ID: 0012
Revises: 0011

A large import is made searchable by meaning with a quick pass first, then
embedded again in full; every embedding made before this is a full one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("embeddings") as batch:
        batch.add_column(sa.Column("stage", sa.SmallInteger, nullable=False, server_default="2"))


def downgrade() -> None:
    with op.batch_alter_table("embeddings") as batch:
        batch.drop_column("stage")
