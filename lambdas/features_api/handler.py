"""Lambda entry point for GET /features/{id}."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.metrics import MetricUnit

from lambdas.shared import aws
from lambdas.shared.feature_store import read_latest_features, user_id_from_path
from lambdas.shared.http import install_error_handlers, json_response, lambda_handler
from lambdas.shared.observability import observability
from lambdas.shared.settings import load_settings

logger, tracer, metrics = observability("features-api")
app = APIGatewayHttpResolver()
install_error_handlers(app, logger, metrics)


@app.get("/features/<user_id>")
@tracer.capture_method
def get_features(user_id: str) -> Response[str]:
    user = user_id_from_path(user_id)
    settings = load_settings("feature_group_name")
    features = read_latest_features(
        aws.client("sagemaker-featurestore-runtime"), settings.feature_group_name, user
    )
    metrics.add_metric(name="FeatureReads", unit=MetricUnit.Count, value=1)
    return json_response(200, features.as_json())


handler = lambda_handler(app, logger, tracer, metrics)
