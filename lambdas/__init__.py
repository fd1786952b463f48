"""Lambda functions: one package per function plus `shared`."""
