"""Lambda entry point for GET /predictions/{id}."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.metrics import MetricUnit

from lambdas.predictions_api.prediction import predict
from lambdas.shared import aws
from lambdas.shared.feature_store import user_id_from_path
from lambdas.shared.http import install_error_handlers, json_response, lambda_handler
from lambdas.shared.observability import observability
from lambdas.shared.settings import load_settings

logger, tracer, metrics = observability("predictions-api")
app = APIGatewayHttpResolver()
install_error_handlers(app, logger, metrics)


@app.get("/predictions/<user_id>")
@tracer.capture_method
def get_prediction(user_id: str) -> Response[str]:
    user = user_id_from_path(user_id)
    settings = load_settings("feature_group_name", "endpoint_name")
    answer = predict(
        aws.client("sagemaker-featurestore-runtime"),
        aws.client("sagemaker-runtime"),
        feature_group_name=settings.feature_group_name,
        endpoint_name=settings.endpoint_name,
        user_id=user,
    )
    metrics.add_metric(name="Predictions", unit=MetricUnit.Count, value=1)
    if answer["decision"] == "decline":
        metrics.add_metric(name="Declines", unit=MetricUnit.Count, value=1)
    return json_response(200, answer)


handler = lambda_handler(app, logger, tracer, metrics)
