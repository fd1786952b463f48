"""A stand-in processing job for the executor's tests (never imported by the tests themselves)."""
