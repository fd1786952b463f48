"""The state folder of a local stack and the state file in it (`stack.json`).

```
.local-stack/
  stack.json          ports, processes (pid + creation time), what was provisioned
  api-token           the bearer token of the data routes (mode 0600)
  logs/<component>.log
  logs/lambda/<function>.log  each Lambda function's output (its log group)
  outbox/             the emails, one .eml file each
  featurestore/       the Feature Store's SQLite database
  workflow/           the jobs' working folders (inputs, outputs, logs per job)
  build/              the Lambda zips and the job code bundle (`mlops build`)
  terraform/          the Terraform tree, its data dir and terraform.tfstate
```
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from local_stack.stack.processes import ProcessRef

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def state_file(self) -> Path:
        return self.root / "stack.json"

    @property
    def token_file(self) -> Path:
        return self.root / "api-token"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def featurestore_db(self) -> Path:
        return self.root / "featurestore" / "store.db"

    @property
    def workflow(self) -> Path:
        return self.root / "workflow"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def terraform(self) -> Path:
        return self.root / "terraform"

    @property
    def function_logs(self) -> Path:
        """One file per Lambda function, `<function name>.log` (its log group, locally)."""
        return self.logs / "lambda"

    def log(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One `up` or `down` at a time per state folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def token(self) -> str:
        """The data routes' bearer token, drawn once (256 random bits) and kept."""
        if not self.token_file.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
        return self.token_file.read_text().strip()


@dataclass
class ComponentState:
    pid: int
    create_time: float
    url: str
    log: str

    @property
    def ref(self) -> ProcessRef:
        return ProcessRef(self.pid, self.create_time)


@dataclass
class StackState:
    ports: dict[str, int] = field(default_factory=dict)
    components: dict[str, ComponentState] = field(default_factory=dict)
    # What the last provisioning applied: its fingerprint, the emulator it went into, outputs.
    provisioned: dict[str, Any] | None = None
    # Terraform values asked for so far: a later `up` keeps those it is not given again.
    terraform_values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> StackState:
        return cls(
            ports={k: int(v) for k, v in document.get("ports", {}).items()},
            components={
                name: ComponentState(**value)
                for name, value in document.get("components", {}).items()
            },
            provisioned=document.get("provisioned"),
            terraform_values=document.get("terraform_values", {}),
        )


def load(layout: Layout) -> StackState:
    """The recorded state (an empty one when there is none yet)."""
    if not layout.state_file.exists():
        return StackState()
    document = json.loads(layout.state_file.read_text())
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{layout.state_file} was written by another version of the local stack: stop what"
            " runs (`mlops local down`) and remove the folder"
        )
    return StackState.from_json(document)


def save(layout: Layout, stack: StackState) -> None:
    layout.root.mkdir(parents=True, exist_ok=True)
    temporary = layout.state_file.with_suffix(".json.part")
    temporary.write_text(json.dumps(stack.to_json(), indent=2) + "\n")
    temporary.replace(layout.state_file)
