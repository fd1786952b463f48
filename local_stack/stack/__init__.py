"""The local stack as one thing: start, check and stop every local service, provision them with
the same Terraform as AWS (`mlops local up | status | down` are thin over these;
docs/local-stack.md).

    from local_stack.stack import StackSettings, up, status, down

    info = up(StackSettings(state_dir=Path(".local-stack")))  # idempotent; about 2 min cold
    s3 = boto3.client("s3", endpoint_url=info["s3_endpoint"], ...)
    s3.upload_file("loans.csv", info["raw_bucket"], info["raw_prefix"] + "loans.csv")
    requests.get(info["api_url"] + "/features/42", headers=info["api_headers"])
    status(Path(".local-stack"))          # components' health, the same info, workflow runs
    down(Path(".local-stack"))            # purge=True also deletes the folder

`up(settings) -> dict` returns what `mlops local up` prints: `s3_endpoint`, `raw_bucket`,
`raw_prefix`, `artifacts_bucket`, `api_url`, `api_headers`, `outbox_dir`, `stepfunctions_endpoint`,
`state_machine_arn`, `feature_group_name`, `endpoint_name`, `topic_arn`, `dead_letter_queue_url`,
`region`, `state_dir` and `environment` (the AWS_* variables that point boto3 at the stack). It
raises TerraformMissingError (the message says how to install Terraform) before starting anything,
and StackError (what failed, which log to read) leaving nothing it started running.
`StackSettings(ports={name: 0, ...})` picks free ports; `terraform=TerraformValues(...)` sets the
workflow's knobs (approval timeout, quality gate, forest size).

Finding the run an upload started: `local_stack.stack.runs.wait_for_run(sfn, arn, key)`; following
it state by state: `mlops.workflow_progress.watch`; reading emails: `local_stack.outbox`.
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
