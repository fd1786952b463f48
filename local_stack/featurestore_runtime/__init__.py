"""A local SageMaker Feature Store runtime: the AWS wire protocol over SQLite.

`python -m local_stack.featurestore_runtime --db PATH --definitions FILE` (standalone) or
`... --describe-from-sagemaker` (the local stack); `process.start_runtime()` starts it as a process;
`store.read_offline_rows()` reads the offline store.
"""
