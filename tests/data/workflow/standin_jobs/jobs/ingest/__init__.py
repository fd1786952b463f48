"""Stand-in for jobs.ingest (tests only): counts the feature rows, writes an ingestion report."""
