"""Runs a Lambda function's real handler in its own process, with the function's configured
environment read from the AWS emulator's Lambda API (see runner.py)."""

from local_stack.lambda_runner.runner import FunctionConfig, InvokeResult, LambdaRunner

__all__ = ["FunctionConfig", "InvokeResult", "LambdaRunner"]
