"""Run a side effect (an email) at most once per logical request, with Powertools idempotency.

Lambda and the workflow both retry; without this a retry after a successful publish would send the
email again. The key is a small dict of the fields that identify the request (hashed by Powertools;
the stored record never holds the raw values).

Powertools' idempotency utility imports boto3 and botocore's session (~350 ms), so it is imported
inside the functions: a cold start pays for it on the first request that runs a side effect, not
at import (the design of lambdas/shared/aws.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext

T = TypeVar("T")
KEEP_SECONDS = 7 * 24 * 3600  # longer than any workflow retry window


@cache
def _persistence(table_name: str, dynamodb: Any) -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415 (lazy: see the module docstring)
        DynamoDBPersistenceLayer,
    )

    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=dynamodb)


def run_once(
    action: Callable[[], T],
    *,
    key: Mapping[str, Any],
    key_prefix: str,
    table_name: str,
    dynamodb: Any,
    context: LambdaContext,
) -> T:
    """`action()` the first time `key` is seen; its stored (JSON) result on every retry."""
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415 (lazy: see the module docstring)
        IdempotencyConfig,
        idempotent_function,
    )

    config = IdempotencyConfig(raise_on_no_idempotency_key=True, expires_after_seconds=KEEP_SECONDS)
    config.register_lambda_context(context)

    def once(key: Mapping[str, Any]) -> T:
        return action()

    guarded = idempotent_function(
        once,
        data_keyword_argument="key",
        persistence_store=_persistence(table_name, dynamodb),
        config=config,
        key_prefix=key_prefix,
    )
    result: T = guarded(key=dict(key))
    return result
