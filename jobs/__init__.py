"""SageMaker job code: processing, ingestion, training and the serving script."""
