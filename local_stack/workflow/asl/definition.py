"""Checks, before anything runs, that a definition only uses what the interpreter implements, and
names the first state and field that it does not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from local_stack.workflow.asl import intrinsics
from local_stack.workflow.asl.choice import check_rule
from local_stack.workflow.asl.errors import UnsupportedConstructError

_COMMON = {"Type", "Comment"}
_FLOW = {"Next", "End"}
_IO = {"InputPath", "OutputPath"}

FIELDS: dict[str, set[str]] = {
    "Pass": _COMMON | _FLOW | _IO | {"Parameters", "Result", "ResultPath"},
    "Task": _COMMON
    | _FLOW
    | _IO
    | {"Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch"}
    | {"TimeoutSeconds", "TimeoutSecondsPath"},
    "Choice": _COMMON | _IO | {"Choices", "Default"},
    "Wait": _COMMON | _FLOW | _IO | {"Seconds", "SecondsPath"},
    "Succeed": _COMMON | _IO,
    "Fail": _COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
}
TOP_LEVEL = {"Comment", "StartAt", "States", "Version"}
RETRIER_FIELDS = {
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
}
CATCHER_FIELDS = {"ErrorEquals", "Next", "ResultPath", "Comment"}


def check_definition(
    definition: Mapping[str, Any], resolve_resource: Callable[[str], object]
) -> None:
    """Raise UnsupportedConstructError naming what cannot run; `resolve_resource` raises it for
    a Task Resource without an integration."""
    unknown = set(definition) - TOP_LEVEL
    if unknown:
        raise UnsupportedConstructError(
            f"Top-level field(s) {sorted(unknown)} not supported by the local executor"
        )
    states = definition.get("States")
    if not isinstance(states, Mapping) or definition.get("StartAt") not in states:
        raise UnsupportedConstructError(
            "The definition needs States and a StartAt naming one of them"
        )
    for name, state in states.items():
        _check_state(name, state, states, resolve_resource)


def _check_state(
    name: str,
    state: Mapping[str, Any],
    states: Mapping[str, Any],
    resolve_resource: Callable[[str], object],
) -> None:
    kind = state.get("Type")
    where = f"State {name!r} ({kind})"
    if kind not in FIELDS:
        raise UnsupportedConstructError(
            f"{where}: state type {kind!r} is not supported by the local executor "
            f"(supported: {sorted(FIELDS)})"
        )
    unknown = set(state) - FIELDS[kind]
    if unknown:
        raise UnsupportedConstructError(
            f"{where}: field(s) {sorted(unknown)} not supported by the local executor"
        )
    if kind in ("Pass", "Task", "Wait") and ("Next" in state) == bool(state.get("End")):
        raise UnsupportedConstructError(f"{where}: needs exactly one of Next and End: true")
    targets = [state.get("Next"), state.get("Default")]
    targets += [rule.get("Next") for rule in state.get("Choices", [])]
    targets += [catcher.get("Next") for catcher in state.get("Catch", [])]
    for target in targets:
        if target is not None and target not in states:
            raise UnsupportedConstructError(f"{where}: transition to unknown state {target!r}")
    if kind == "Task":
        resolve_resource(state["Resource"])
        _check_retry_and_catch(where, state)
    for rule in state.get("Choices", []):
        check_rule(rule, where)
    for template_field in ("Parameters", "ResultSelector"):
        if template_field in state:
            _check_intrinsics(state[template_field])
    for path_field in ("ErrorPath", "CausePath"):
        value = state.get(path_field)
        if isinstance(value, str) and not value.startswith("$"):
            intrinsics.parse(value)


def _check_retry_and_catch(where: str, state: Mapping[str, Any]) -> None:
    for retrier in state.get("Retry", []):
        _check_fields(where, "Retry", retrier, RETRIER_FIELDS)
        if retrier.get("JitterStrategy", "NONE") not in ("NONE", "FULL"):
            raise UnsupportedConstructError(
                f"{where}: JitterStrategy {retrier['JitterStrategy']!r}"
            )
    for catcher in state.get("Catch", []):
        _check_fields(where, "Catch", catcher, CATCHER_FIELDS)


def _check_fields(where: str, what: str, entry: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise UnsupportedConstructError(f"{where}: {what} field(s) {sorted(unknown)} not supported")


def _check_intrinsics(template: Any) -> None:
    if isinstance(template, list):
        for item in template:
            _check_intrinsics(item)
    elif isinstance(template, Mapping):
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str) and not value.startswith("$"):
                intrinsics.parse(value)
            else:
                _check_intrinsics(value)
