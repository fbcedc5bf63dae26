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
    # Found in the comments and abstract at ingest (links.find_links); content like the rest.
    sa.Column("code_url_found", sa.Text),
    sa.Column("project_url_found", sa.Text),
    # This site's own columns: never written by an ingest.
    sa.Column("code_url", sa.Text),  # set by the submitter, a confirmed author or an admin
    sa.Column("project_url", sa.Text),
    sa.Column("vote_count", sa.Integer, nullable=False, server_default="0"),  # votes cast here
    sa.Column("comment_count", sa.Integer, nullable=False, server_default="0"),  # visible comments
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("submitted_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("submitted_at", sa.DateTime),
    sa.Index("ix_papers_listed_on_id", "listed_on", "id"),
    sa.Index("ix_papers_primary_category", "primary_category"),
    sa.Index("ix_papers_organization", "organization"),
    sa.Index("ix_papers_modified_at", "modified_at"),
    # Keyword search (migration 0002) adds what SQLAlchemy cannot describe on both backends:
    # a generated `search_vector` tsvector on PostgreSQL, the `papers_fts` FTS5 table on SQLite.
)

# Where each search index stands (e.g. the last modified_at the keyword index has seen).
search_state = sa.Table(
    "search_state",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Lookup tables kept by upsert_papers, for author and category pages. Derived data,
# like a search index: no foreign keys, whose checks would double a bulk import's time.
paper_authors = sa.Table(
    "paper_authors",
    metadata,
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("paper_id", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_paper_authors_paper_id", "paper_id"),
    sqlite_with_rowid=False,  # the primary key is the table: half the size, sorted by name
)

paper_categories = sa.Table(
    "paper_categories",
    metadata,
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("paper_id", sa.Integer, primary_key=True),
    sa.Index("ix_paper_categories_paper_id", "paper_id"),
    sqlite_with_rowid=False,
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(40), nullable=False, unique=True),  # stored lower-case
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Index("ix_sessions_user_id", "user_id"),
)

# Uses of each rate-limited action (a write, a sign-in guess) per key and fixed window: held in the
# store so that a limit holds across workers and machines (store/quotas.py).
quota_counts = sa.Table(
    "quota_counts",
    metadata,
    sa.Column("action", sa.String(24), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),  # "user:7", "address:203.0.113.9", …
    sa.Column("window_start", sa.BigInteger, primary_key=True),  # Unix seconds
    sa.Column("count", sa.Integer, nullable=False),
    sa.Index("ix_quota_counts_action_window_start", "action", "window_start"),
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_votes_paper_id", "paper_id"),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),  # one level
    sa.Column("body", sa.Text, nullable=False),  # as typed; rendered by web.markup
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("edited_at", sa.DateTime),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_comments_paper_id_id", "paper_id", "id"),
)

collections = sa.Table(
    "collections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("is_public", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_collections_user_id", "user_id"),
)

collection_items = sa.Table(
    "collection_items",
    metadata,
    sa.Column("collection_id", sa.Integer, sa.ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

# A user's claim to be one of a paper's authors; an admin confirms it.
authorship_claims = sa.Table(
    "authorship_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("author_name", sa.String(300), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending, confirmed, rejected
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decided_at", sa.DateTime),
    sa.UniqueConstraint("user_id", "paper_id"),
    sa.Index("ix_authorship_claims_paper_id", "paper_id"),
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

# One embedding per paper, with the content digest it was made from (search/vectors.py).
embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("paper_id", sa.Integer, primary_key=True),  # derived data, like the lookups: no foreign key
    sa.Column("model", sa.String(64), nullable=False),
    sa.Column("content_hash", sa.String(32), nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32, little-endian, unit length
    sa.Column("embedded_at", sa.DateTime, nullable=False),  # the on-disk ANN index adds what is newer
    sa.Column("stage", sa.SmallInteger, nullable=False, server_default="2"),  # search/embedding.py: QUICK or FULL
    sa.Index("ix_embeddings_embedded_at", "embedded_at"),
)

# Keywords of each paper, picked by search/keywords.py, and the document frequencies they rest on.
paper_keywords = sa.Table(
    "paper_keywords",
    metadata,
    sa.Column("paper_id", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("keyword", sa.String(200), nullable=False),
)

word_df = sa.Table(
    "word_df",
    metadata,
    sa.Column("word", sa.String(64), primary_key=True),
    sa.Column("df", sa.Integer, nullable=False),
)

# Mail: who asked for a digest (mail/), what each was sent, and the outbox every mail passes through.
subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # stored lower-case
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("frequency", sa.String(8), nullable=False),  # daily | weekly
    sa.Column("topic", sa.String(16), nullable=False),  # trending | categories | foryou
    sa.Column("categories", Json, nullable=False),  # [str] for topic "categories"
    sa.Column("count", sa.Integer, nullable=False),  # papers per digest
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("confirm_sent_at", sa.DateTime),  # the last confirmation mail (limits resends)
    sa.Column("confirmed_at", sa.DateTime),  # null until the link in the confirmation mail is followed
    sa.Column("unsubscribed_at", sa.DateTime),
    sa.Column("bounces", sa.Integer, nullable=False, server_default="0"),  # permanent failures in a row
    sa.Column("stopped_at", sa.DateTime),  # set after too many bounces: nothing more is sent
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),  # the subscriber's (IANA)
    sa.Column("send_hour", sa.Integer, nullable=False, server_default="7"),  # local hour a digest is due
)

digest_papers = sa.Table(
    "digest_papers",
    metadata,
    sa.Column("subscription_id", sa.Integer, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("paper_id", sa.Integer, primary_key=True),
    sa.Column("edition", sa.String(16), nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(100), nullable=False, unique=True),  # idempotency: e.g. digest:<sub>:<edition>
    sa.Column("subscription_id", sa.Integer, sa.ForeignKey("subscriptions.id", ondelete="CASCADE")),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("message", sa.LargeBinary, nullable=False),  # the whole RFC 5322 message
    sa.Column("status", sa.String(8), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

# A private feed per user, at an unguessable address (feeds/); reset from the settings page.
feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Personal API tokens (api/): only a SHA-256 of each is kept; the token is shown once.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_used_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
    sa.Index("ix_api_tokens_user_id", "user_id"),
)

# What a reader tells the recommender (recommend/): papers they do not want, and, to start with,
# the categories, authors and papers they follow; and the picks last computed for them.
dismissals = sa.Table(
    "dismissals",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

interests = sa.Table(
    "interests",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(10), primary_key=True),  # category | author | paper
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

picks = sa.Table(
    "picks",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("paper_id", sa.Integer, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("because", Json, nullable=False),  # [paper id] of the reader's own papers it is closest to
    sa.Column("shared", Json, nullable=False),  # [keyword] it shares with them
)

pick_runs = sa.Table(
    "pick_runs",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("computed_at", sa.DateTime, nullable=False),
    sa.Column("signals", sa.Integer, nullable=False),  # how many signals the model learnt from
)

# Runs of scheduled jobs (jobs/): what ran, when, how it ended, what it did.
job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("job", sa.String(40), nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("outcome", sa.String(10), nullable=False),  # running | ok | failed
    sa.Column("detail", sa.Text),  # what it did, or why it failed
    sa.Column("worker", sa.String(100), nullable=False),  # host:pid
    sa.Index("ix_job_runs_job_started_at", "job", "started_at"),
)

# Papers members asked for, fetched by the worker (no request waits on arXiv): one row per request.
submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("arxiv_id", sa.String(40), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # queued | fetching | listed | failed
    sa.Column("reason", sa.Text),  # why it failed, in words for the submitter
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("requested_at", sa.DateTime, nullable=False),
    sa.Column("claimed_at", sa.DateTime),  # when a worker took it; a stale claim is taken again
    sa.Column("finished_at", sa.DateTime),
    sa.Index("ix_submissions_state_id", "state", "id"),
    sa.Index("ix_submissions_user_id_requested_at", "user_id", "requested_at"),
    sa.Index("ix_submissions_arxiv_id", "arxiv_id"),
)
