"""The local stack as one thing: start, check and stop every local service, provision them with
the same Terraform as AWS (`mlops local up | status | down` call these).

    info = up(StackSettings(state_dir=Path(".local-stack")))
    boto3.client("s3", endpoint_url=info["s3_endpoint"]).upload_file(...)
    down(Path(".local-stack"))
"""

from local_stack.stack.orchestrator import StackError, down, status, up
from local_stack.stack.provision import TerraformMissingError
from local_stack.stack.settings import DEFAULT_PORTS, StackSettings, TerraformValues

__all__ = [
    "DEFAULT_PORTS",
    "StackError",
    "StackSettings",
    "TerraformMissingError",
    "TerraformValues",
    "down",
    "status",
    "up",
]
