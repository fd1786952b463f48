"""GET /predictions/{id}: a user's latest features scored by the SageMaker endpoint."""
