"""The `mlops` command line: data generation, builds, the local stack and the demo."""
