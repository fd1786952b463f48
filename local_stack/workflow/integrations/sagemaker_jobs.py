"""`sagemaker:createProcessingJob.sync` and `sagemaker:createTrainingJob.sync`: the job code runs
as SageMaker would run it (inputs from S3 into the container layout, the request's command,
arguments and environment, outputs back to S3), and the task returns the Describe*Job response.

Training follows the SageMaker scikit-learn container's script mode: `sourcedir.tar.gz` from the
`sagemaker_submit_directory` hyperparameter is unpacked to /opt/ml/code, `sagemaker_program` runs
with the other hyperparameters as `--name value`, the SM_* variables are set, the model directory
becomes model.tar.gz and /opt/ml/output/data output.tar.gz. The image's `pip install -r
requirements.txt` is skipped: the venv already holds the `jobs` extra.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local_stack.workflow.asl.errors import TASK_FAILED, StatesError
from local_stack.workflow.asl.tasks import TaskRequest
from local_stack.workflow.integrations import s3_objects
from local_stack.workflow.integrations.aws_calls import SAGEMAKER_OPTIMIZED_ERROR
from local_stack.workflow.integrations.containers import (
    ProcessResult,
    Sandbox,
    UnsupportedEntrypointError,
    extract_tarball,
    host_command,
    job_environment,
    run_process,
    tar_directory,
)

log = logging.getLogger(__name__)
Json = Any

JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
FAILURE_REASON_LIMIT = 1024
TRAINING_HOST = "algo-1"
# Describe*Job names its times ProcessingStartTime/ProcessingEndTime, TrainingStartTime/...
_TIME_FIELD_PREFIX = {"ProcessingJob": "Processing", "TrainingJob": "Training"}


@dataclass(frozen=True)
class JobSettings:
    work_dir: Path
    python: str
    # Endpoint variables, region and local credentials, so jobs reach the local services.
    service_env: Mapping[str, str] = field(default_factory=dict)


class SageMakerJobs:
    """Runs processing and training jobs in sandboxes under `<work_dir>/sagemaker/<job name>`."""

    def __init__(self, s3: Any, settings: JobSettings) -> None:
        self.s3 = s3
        self.settings = settings
        self._names: set[str] = set()
        self._lock = threading.Lock()

    # -- the task handlers ------------------------------------------------------------------

    def processing_job_sync(self, request: TaskRequest) -> Json:
        params = request.parameters
        sandbox, describe = self._create(request, "ProcessingJob", "processing-job")
        app = params.get("AppSpecification", {})
        try:
            for job_input in params.get("ProcessingInputs", []):
                self._download_processing_input(job_input, sandbox)
            for job_output in params.get("ProcessingOutputConfig", {}).get("Outputs", []):
                sandbox.host_path(job_output["S3Output"]["LocalPath"]).mkdir(
                    parents=True, exist_ok=True
                )
            command = [*app.get("ContainerEntrypoint", []), *app.get("ContainerArguments", [])]
            argv = host_command(command, sandbox, self.settings.python)
        except (UnsupportedEntrypointError, _ClientError) as exc:
            return self._finish(describe, "ProcessingJob", "Failed", f"ClientError: {exc}")
        sandbox.host_path("/opt/ml/output").mkdir(parents=True, exist_ok=True)
        result = self._run(
            argv,
            sandbox,
            request,
            job_environment(sandbox, self.settings.service_env, params.get("Environment", {})),
            cwd=sandbox.root,
            max_runtime=params.get("StoppingCondition", {}).get("MaxRuntimeInSeconds"),
        )
        if result.exit_code != 0:
            reason = _failure_reason(result, sandbox.host_path("/opt/ml/output/message"))
            return self._finish(describe, "ProcessingJob", _failed_status(result), reason)
        for job_output in params.get("ProcessingOutputConfig", {}).get("Outputs", []):
            s3_output = job_output["S3Output"]
            s3_objects.upload_directory(
                self.s3, sandbox.host_path(s3_output["LocalPath"]), s3_output["S3Uri"]
            )
        return self._finish(describe, "ProcessingJob", "Completed", None)

    def training_job_sync(self, request: TaskRequest) -> Json:
        params = request.parameters
        sandbox, describe = self._create(request, "TrainingJob", "training-job")
        name = sandbox.root.name
        hyperparameters: dict[str, str] = dict(params.get("HyperParameters", {}))
        output_path = params["OutputDataConfig"]["S3OutputPath"].rstrip("/")
        try:
            channels = self._prepare_training(params, hyperparameters, sandbox)
            program = hyperparameters.get("sagemaker_program")
            if not program:
                raise _ClientError("HyperParameters must name the entry point in sagemaker_program")
            argv = host_command(
                ["python3", f"/opt/ml/code/{program}", *_user_arguments(hyperparameters)],
                sandbox,
                self.settings.python,
            )
        except (UnsupportedEntrypointError, _ClientError) as exc:
            return self._finish(describe, "TrainingJob", "Failed", f"ClientError: {exc}")
        env = job_environment(
            sandbox,
            self.settings.service_env,
            {
                **_training_variables(name, hyperparameters, channels),
                **params.get("Environment", {}),
            },
        )
        result = self._run(
            argv,
            sandbox,
            request,
            env,
            cwd=sandbox.host_path("/opt/ml/code"),
            max_runtime=params.get("StoppingCondition", {}).get("MaxRuntimeInSeconds"),
        )
        describe["FinalMetricDataList"] = final_metrics(
            params.get("AlgorithmSpecification", {}).get("MetricDefinitions", []), result.log_text()
        )
        describe["TrainingTimeInSeconds"] = describe["BillableTimeInSeconds"] = max(
            1, round(result.elapsed_seconds)
        )
        if result.exit_code != 0:
            reason = _failure_reason(result, sandbox.host_path("/opt/ml/output/failure"))
            return self._finish(describe, "TrainingJob", _failed_status(result), reason)
        job_prefix = f"{output_path}/{name}/output"
        model_tar = tar_directory(sandbox.host_path("/opt/ml/model"), sandbox.root / "model.tar.gz")
        output_tar = tar_directory(
            sandbox.host_path("/opt/ml/output/data"), sandbox.root / "output.tar.gz"
        )
        for archive in (model_tar, output_tar):
            bucket, key = s3_objects.split_s3_uri(f"{job_prefix}/{archive.name}")
            self.s3.upload_file(str(archive), bucket, key)
        describe["ModelArtifacts"] = {"S3ModelArtifacts": f"{job_prefix}/model.tar.gz"}
        return self._finish(describe, "TrainingJob", "Completed", None)

    # -- helpers ----------------------------------------------------------------------------

    def _create(
        self, request: TaskRequest, kind: str, arn_kind: str
    ) -> tuple[Sandbox, dict[str, Json]]:
        """Create<kind>: validate and reserve the name, record TaskSubmitted, and start the
        Describe<kind> response the task returns."""
        params = request.parameters
        name = self._claim_name(params.get(f"{kind}Name"), f"{kind}Name")
        arn = _job_arn(request.execution_arn, arn_kind, name)
        request.submitted({f"{kind}Arn": arn})
        created = _millis(datetime.now(UTC))
        start_field = f"{_TIME_FIELD_PREFIX[kind]}StartTime"
        describe = {**params, f"{kind}Arn": arn, "CreationTime": created, start_field: created}
        return Sandbox(self.settings.work_dir / "sagemaker" / name), describe

    def _claim_name(self, name: Json, field_name: str) -> str:
        if not isinstance(name, str) or not JOB_NAME.match(name):
            raise StatesError(
                SAGEMAKER_OPTIMIZED_ERROR,
                f"1 validation error detected: Value {name!r} at '{field_name}' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {JOB_NAME.pattern} "
                "(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)",
            )
        with self._lock:
            in_use = name in self._names or (self.settings.work_dir / "sagemaker" / name).exists()
            if in_use:
                raise StatesError(
                    "SageMaker.ResourceInUseException",
                    f"Job name {name} must be unique within an AWS account and region, and a job "
                    "with this name already exists (Service: AmazonSageMaker; Status Code: 400; "
                    "Error Code: ResourceInUse)",
                )
            self._names.add(name)
        return name

    def _download_processing_input(self, job_input: Mapping[str, Json], sandbox: Sandbox) -> None:
        s3_input = job_input.get("S3Input")
        if s3_input is None:
            raise _ClientError(
                f"Input {job_input.get('InputName')!r}: only S3Input is supported locally"
            )
        if s3_input.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise _ClientError(f"Input {job_input.get('InputName')!r}: only S3Prefix is supported")
        target = sandbox.host_path(s3_input["LocalPath"])
        if not s3_objects.download_prefix(self.s3, s3_input["S3Uri"], target):
            raise _ClientError(f'No S3 objects found under S3 URL "{s3_input["S3Uri"]}"')

    def _prepare_training(
        self, params: Mapping[str, Json], hyperparameters: Mapping[str, str], sandbox: Sandbox
    ) -> list[str]:
        for directory in ("/opt/ml/model", "/opt/ml/output/data", "/opt/ml/input/config"):
            sandbox.host_path(directory).mkdir(parents=True, exist_ok=True)
        channels = []
        for channel in params.get("InputDataConfig", []):
            source = channel["DataSource"]["S3DataSource"]
            if source.get("S3DataType", "S3Prefix") != "S3Prefix":
                raise _ClientError(
                    f"Channel {channel['ChannelName']!r}: only S3Prefix is supported"
                )
            target = sandbox.host_path(f"/opt/ml/input/data/{channel['ChannelName']}")
            if not s3_objects.download_prefix(self.s3, source["S3Uri"], target):
                raise _ClientError(f'No S3 objects found under S3 URL "{source["S3Uri"]}"')
            channels.append(channel["ChannelName"])
        submit_directory = hyperparameters.get("sagemaker_submit_directory")
        if submit_directory:
            archive = sandbox.root / "sourcedir.tar.gz"
            try:
                s3_objects.download_object(self.s3, _decoded(submit_directory), archive)
            except Exception as exc:
                raise _ClientError(f"Cannot fetch {submit_directory}: {exc}") from exc
            extract_tarball(archive, sandbox.host_path("/opt/ml/code"))
        config = sandbox.host_path("/opt/ml/input/config")
        (config / "hyperparameters.json").write_text(json.dumps(dict(hyperparameters)))
        (config / "inputdataconfig.json").write_text(
            json.dumps({c["ChannelName"]: c for c in params.get("InputDataConfig", [])})
        )
        (config / "resourceconfig.json").write_text(
            json.dumps({"current_host": TRAINING_HOST, "hosts": [TRAINING_HOST]})
        )
        return channels

    def _run(
        self,
        argv: list[str],
        sandbox: Sandbox,
        request: TaskRequest,
        env: Mapping[str, str],
        *,
        cwd: Path,
        max_runtime: int | None,
    ) -> ProcessResult:
        deadlines = [d for d in (request.deadline,) if d is not None]
        if max_runtime:
            deadlines.append(time.monotonic() + max_runtime)
        log.info("job %s: %s", sandbox.root.name, " ".join(argv))
        result = run_process(
            argv,
            env=env,
            cwd=cwd,
            log_path=sandbox.root / "job.log",
            stop=request.stop,
            deadline=min(deadlines) if deadlines else None,
        )
        log.info("job %s: exit code %s", sandbox.root.name, result.exit_code)
        return result

    @staticmethod
    def _finish(describe: dict[str, Json], kind: str, status: str, reason: str | None) -> Json:
        ended = _millis(datetime.now(UTC))
        describe[f"{kind}Status"] = status
        describe[f"{_TIME_FIELD_PREFIX[kind]}EndTime"] = ended
        describe["LastModifiedTime"] = ended
        if kind == "TrainingJob":
            describe["SecondaryStatus"] = status
        if reason is not None:
            describe["FailureReason"] = reason[:FAILURE_REASON_LIMIT]
            # Step Functions fails a .sync task whose job did not complete, with the Describe*
            # response as the cause.
            raise StatesError(TASK_FAILED, json.dumps(describe, default=str))
        return describe


class _ClientError(Exception):
    """A problem SageMaker reports as a ClientError before the job's code runs."""


def _job_arn(execution_arn: str, kind: str, name: str) -> str:
    region, account = execution_arn.split(":")[3:5]
    return f"arn:aws:sagemaker:{region}:{account}:{kind}/{name.lower()}"


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _failed_status(result: ProcessResult) -> str:
    return "Stopped" if result.exit_code is None else "Failed"


def _failure_reason(result: ProcessResult, failure_file: Path) -> str:
    if result.exit_code is None:
        return "MaxRuntimeExceeded: the job was stopped at its runtime limit"
    message = failure_file.read_text(errors="replace").strip() if failure_file.exists() else ""
    return f"AlgorithmError: {message}, exit code: {result.exit_code}"


def _decoded(value: str) -> Json:
    """The training toolkit JSON-decodes each hyperparameter when it can (`"300"` -> 300)."""
    try:
        return json.loads(value)
    except (json.JSONDecodeError, TypeError):
        return value


def _user_arguments(hyperparameters: Mapping[str, str]) -> list[str]:
    arguments: list[str] = []
    for name, raw in hyperparameters.items():
        if name.startswith("sagemaker_"):
            continue
        value = _decoded(raw)
        arguments += [f"--{name}", value if isinstance(value, str) else json.dumps(value)]
    return arguments


def _training_variables(
    job_name: str, hyperparameters: Mapping[str, str], channels: list[str]
) -> dict[str, str]:
    user_hyperparameters = {
        k: _decoded(v) for k, v in hyperparameters.items() if not k.startswith("sagemaker_")
    }
    variables = {
        "TRAINING_JOB_NAME": job_name,
        "SM_MODEL_DIR": "/opt/ml/model",
        "SM_OUTPUT_DIR": "/opt/ml/output",
        "SM_OUTPUT_DATA_DIR": "/opt/ml/output/data",
        "SM_INPUT_DIR": "/opt/ml/input",
        "SM_INPUT_CONFIG_DIR": "/opt/ml/input/config",
        "SM_CHANNELS": json.dumps(channels),
        "SM_HPS": json.dumps(user_hyperparameters),
        "SM_USER_ARGS": json.dumps(_user_arguments(hyperparameters)),
        "SM_CURRENT_HOST": TRAINING_HOST,
        "SM_HOSTS": json.dumps([TRAINING_HOST]),
        "SM_NUM_GPUS": "0",
        "SM_MODULE_DIR": str(hyperparameters.get("sagemaker_submit_directory", "")),
        "SM_MODULE_NAME": str(hyperparameters.get("sagemaker_program", "")).removesuffix(".py"),
        "PYTHONPATH": "/opt/ml/code",
    }
    for channel in channels:
        variables[f"SM_CHANNEL_{channel.upper()}"] = f"/opt/ml/input/data/{channel}"
    for name, value in user_hyperparameters.items():
        variables[f"SM_HP_{name.upper().replace('-', '_')}"] = (
            value if isinstance(value, str) else json.dumps(value)
        )
    return variables


def final_metrics(definitions: list[Mapping[str, str]], log_text: str) -> list[dict[str, Json]]:
    """SageMaker's FinalMetricDataList: for each MetricDefinition, the last value its regex
    captured in the job's log."""
    metrics = []
    now = _millis(datetime.now(UTC))
    for definition in definitions:
        values = re.findall(definition["Regex"], log_text)
        if not values:
            continue
        last = values[-1][0] if isinstance(values[-1], tuple) else values[-1]
        try:
            number = float(last)
        except ValueError:
            continue
        metrics.append({"MetricName": definition["Name"], "Value": number, "Timestamp": now})
    return metrics
