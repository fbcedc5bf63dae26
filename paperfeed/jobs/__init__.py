"""Scheduled work: ingest, indexing and digests, run by `paperfeed worker`, each job once at a time."""
