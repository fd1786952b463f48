"""Logger, Tracer and Metrics for a function, named the same way everywhere."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

METRICS_NAMESPACE = "CreditRiskMlops"


def observability(service: str) -> tuple[Logger, Tracer, Metrics]:
    """The function's Powertools trio; the domain modules' `logging` loggers (`lambdas.*`) write
    through the same JSON formatter, so their lines carry the correlation id too."""
    logger = Logger(service=service)
    copy_config_to_registered_loggers(source_logger=logger, include={"lambdas"})
    return logger, Tracer(service=service), Metrics(namespace=METRICS_NAMESPACE, service=service)
