"""Ingestion job: processing features -> SageMaker Feature Store (boto3 PutRecord)."""
