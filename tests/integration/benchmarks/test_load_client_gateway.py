"""The load client, in its own process, against the local API gateway serving the real handlers
with the real Feature Store runtime and endpoint server behind them."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.load_client import measure
from lambdas.shared.feature_records import UserFeatures, features_to_record
from local_stack.api_gateway import serve
from tests.fixtures.lambdas import FEATURE_GROUP, gateway_app

pytestmark = pytest.mark.slow


def test_measure_loads_features_and_predictions_from_a_separate_process(
    serving_services: Any,
) -> None:
    users = [str(user) for user in range(7001, 7006)]
    for user in users:
        features = UserFeatures(
            int(user),
            1,
            "2021-01-01T00:00:00Z",
            {
                "nb_previous_loans": 1,
                "avg_amount_loans_previous": 120.0,
                "age": 40,
                "years_on_the_job": 3,
                "flag_own_car": 1,
            },
        )
        serving_services.put_record(
            FeatureGroupName=FEATURE_GROUP, Record=features_to_record(features, 0)
        )

    with serve(gateway_app()) as url:
        features = measure(url, "/features/{id}", users, requests=200, concurrency=4, warmup=8)
        predictions = measure(url, "/predictions/{id}", [*users, "999"], requests=60, concurrency=2)

    assert (features["requests"], features["errors"]) == (200, 0)
    assert features["statuses"] == {"200": 200}
    assert predictions["statuses"] == {"200": 50, "404": 10}
    assert predictions["errors"] == 10
