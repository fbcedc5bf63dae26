"""Prometheus metrics (prometheus_client): requests, jobs, ingest and mail, served at /metrics.

With several web workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder so
that every worker's counts are summed (the client's multiprocess mode).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("paperfeed_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "paperfeed_http_request_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOB_RUNS = Counter("paperfeed_job_runs_total", "Scheduled job runs by outcome", ["job", "outcome"])
INGESTED = Counter("paperfeed_ingested_papers_total", "Papers stored by ingest", ["outcome"])
MAIL = Counter("paperfeed_mail_total", "Mail handed to SMTP, by outcome", ["outcome"])
