"""Local SageMaker endpoints: the `sagemaker-runtime` InvokeEndpoint protocol for named endpoints.

`python -m local_stack.endpoint_server --port P [--endpoint NAME=MODEL_TAR_GZ ...]` hosts several
endpoints in one process. Each model is loaded from its model.tar.gz through the archive's own
`code/inference.py` (`model_fn`, `input_fn`, `predict_fn`, `output_fn`), as SageMaker's
scikit-learn serving container loads it. The unchanged boto3 `sagemaker-runtime` client reaches it
through `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`. Admin routes under `/_local/` load, replace and remove
endpoints (docs/training.md, "Local endpoint server").
"""
