"""Processing job: validate raw loan CSVs (ARCHITECTURE.md 3.1) and compute features (3.2)."""
