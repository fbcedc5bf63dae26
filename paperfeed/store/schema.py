"""The tables, as SQLAlchemy Core. Migrations under store/migrations create them; this mirrors the head.

Every time is naive UTC (see records.utc_naive): one rule on both backends.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# JSONB on PostgreSQL (indexable, compact); JSON text on SQLite.
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

papers = sa.Table(
    "papers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("arxiv_id", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("abstract", sa.Text, nullable=False),
    sa.Column("authors", Json, nullable=False),  # [name] in the paper's order
    sa.Column("affiliations", Json),  # [[affiliation]] parallel to authors; null when none is known
    sa.Column("categories", Json, nullable=False),  # [str], primary first when known
    sa.Column("primary_category", sa.String(32)),
    sa.Column("published_at", sa.DateTime),  # first version
    sa.Column("updated_at", sa.DateTime),  # latest version
    sa.Column("latest_version", sa.Integer),
    sa.Column("versions", Json),  # [{"version": int, "created": iso}] when known
    sa.Column("comments", sa.Text),
    sa.Column("journal_ref", sa.Text),
    sa.Column("doi", sa.Text),
    sa.Column("report_no", sa.Text),
    sa.Column("license", sa.Text),
    sa.Column("abs_url", sa.Text),
    sa.Column("pdf_url", sa.Text),
    sa.Column("organization", sa.Text),
    sa.Column("listed_on", sa.Date, nullable=False),  # see records.listing_day
    sa.Column("base_upvotes", sa.Integer, nullable=False, server_default="0"),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("fetched_at", sa.DateTime),
    sa.Column("content_hash", sa.String(32), nullable=False),  # of the metadata last written
    sa.Column("created_at", sa.DateTime, nullable=False),  # first stored here
    sa.Column("modified_at", sa.DateTime, nullable=False),  # metadata last changed here
    sa.Index("ix_papers_listed_on_id", "listed_on", "id"),
    sa.Index("ix_papers_primary_category", "primary_category"),
)

# Where each incremental harvest stands, so that an interrupted one resumes.
harvest_checkpoints = sa.Table(
    "harvest_checkpoints",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),  # e.g. "oai:arXiv:cs"
    sa.Column("from_date", sa.Date),  # the `from` of the harvest under way
    sa.Column("resumption_token", sa.Text),  # the next page of the harvest under way
    sa.Column("last_success_date", sa.Date),  # the day the last complete harvest began
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
