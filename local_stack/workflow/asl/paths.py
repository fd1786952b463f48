"""JSONPath as Step Functions uses it: paths (`$.a[0]`, filters in Parameters/ResultSelector),
reference paths (ResultPath), payload templates (`"key.$"` fields) and the context object (`$$`)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as parse_jsonpath
from jsonpath_ng.jsonpath import (
    Child,
    Fields,
    Index,
    Root,
)

from local_stack.workflow.asl.errors import StatesRuntimeError

Json = Any
# Evaluates an intrinsic function call (`States.Format(...)`) against the input and context.
IntrinsicEvaluator = Callable[[str, Json, Json], Json]

_DEFINITE_NODES = (Root, Child, Fields, Index)


@lru_cache(maxsize=512)
def _compile(path: str) -> JSONPath:
    try:
        return parse_jsonpath(path)
    except (JSONPathError, ValueError, TypeError) as exc:
        raise StatesRuntimeError(f"Invalid JSONPath {path!r}: {exc}") from exc


def _indices(node: Index) -> tuple[int, ...]:
    return tuple(node.indices)


def _is_definite(node: JSONPath) -> bool:
    """A path without wildcards, filters or slices selects at most one value (AWS returns it
    bare); any other path returns the list of matches."""
    if isinstance(node, Child):
        return _is_definite(node.left) and _is_definite(node.right)
    if isinstance(node, Fields):
        return len(node.fields) == 1 and node.fields[0] != "*"
    if isinstance(node, Index):
        return len(_indices(node)) == 1
    return isinstance(node, _DEFINITE_NODES)


def select(path: str, data: Json) -> Json:
    """The value at `path` in `data`; a definite path that matches nothing is a States.Runtime."""
    compiled = _compile(path)
    matches = [match.value for match in compiled.find(data)]
    if not _is_definite(compiled):
        return matches
    if not matches:
        raise StatesRuntimeError(f"The JSONPath {path!r} could not be found in the input")
    return matches[0]


def is_present(path: str, data: Json) -> bool:
    compiled = _compile(path)
    return bool(compiled.find(data))


def select_with_context(path: str, data: Json, context: Json) -> Json:
    """`$...` reads the state's input, `$$...` the context object."""
    if path.startswith("$$"):
        return select(path[1:], context)
    if path.startswith("$"):
        return select(path, data)
    raise StatesRuntimeError(f"{path!r} is not a JSONPath (it must start with $ or $$)")


def apply_input_path(path: str | None, data: Json) -> Json:
    """InputPath/OutputPath: null gives {}, otherwise the selected value."""
    if path is None:
        return {}
    return select(path, data)


def _reference_steps(path: str) -> list[str | int]:
    """The field/index steps of a reference path (ResultPath): `$`, `$.a.b`, `$['a'][0]`."""
    steps: list[str | int] = []

    def walk(node: JSONPath) -> None:
        if isinstance(node, Root):
            return
        if isinstance(node, Child):
            walk(node.left)
            walk(node.right)
            return
        if isinstance(node, Fields) and len(node.fields) == 1 and node.fields[0] != "*":
            steps.append(node.fields[0])
            return
        if isinstance(node, Index) and len(_indices(node)) == 1:
            steps.append(_indices(node)[0])
            return
        raise StatesRuntimeError(f"{path!r} is not a reference path (only fields and indexes)")

    walk(_compile(path))
    return steps


def apply_result_path(path: str | None, state_input: Json, result: Json) -> Json:
    """ResultPath: null keeps the input, `$` replaces it, `$.a.b` sets a field (creating
    missing objects on the way) in a copy of the input."""
    if path is None:
        return state_input
    steps = _reference_steps(path)
    if not steps:
        return result
    if not isinstance(state_input, dict):
        raise StatesRuntimeError(
            f"ResultPath {path!r} needs an object input, got {type(state_input).__name__}"
        )
    output = copy.deepcopy(state_input)
    node: Any = output
    for step in steps[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list) or not -len(node) <= step < len(node):
                raise StatesRuntimeError(f"ResultPath {path!r}: index {step} does not exist")
            node = node[step]
            continue
        if not isinstance(node, dict):
            raise StatesRuntimeError(f"ResultPath {path!r}: {step!r} is inside a non-object value")
        node = node.setdefault(step, {})
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not -len(node) <= last < len(node):
            raise StatesRuntimeError(f"ResultPath {path!r}: index {last} does not exist")
        node[last] = result
    else:
        if not isinstance(node, dict):
            raise StatesRuntimeError(f"ResultPath {path!r}: {last!r} is inside a non-object value")
        node[last] = result
    return output


def render_payload(
    template: Json, data: Json, context: Json, intrinsic: IntrinsicEvaluator
) -> Json:
    """Parameters/ResultSelector: fields named `key.$` take the value of a path or an intrinsic
    function; everything else is copied. Objects nested in arrays are rendered too."""
    if isinstance(template, list):
        return [render_payload(item, data, context, intrinsic) for item in template]
    if not isinstance(template, Mapping):
        return copy.deepcopy(template)
    rendered: dict[str, Json] = {}
    for key, value in template.items():
        if not key.endswith(".$"):
            rendered[key] = render_payload(value, data, context, intrinsic)
            continue
        name = key[:-2]
        if not isinstance(value, str):
            raise StatesRuntimeError(f"Field {key!r} must be a string path or intrinsic function")
        if value.startswith("$"):
            try:
                rendered[name] = select_with_context(value, data, context)
            except StatesRuntimeError as exc:
                raise StatesRuntimeError(f"Field {key!r}: {exc.cause}") from exc
        else:
            rendered[name] = intrinsic(value, data, context)
    return rendered
