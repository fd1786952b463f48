"""Choice rules: And/Or/Not, the type tests, and the String/Numeric/Boolean comparisons (with their
`...Path` forms). A Variable that does not exist is a States.Runtime, except for IsPresent."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from local_stack.workflow.asl.errors import StatesRuntimeError, UnsupportedConstructError
from local_stack.workflow.asl.paths import is_present, select_with_context

Json = Any
Rule = Mapping[str, Any]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}


def _is_number(value: Json) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_compare(suffix: str) -> Callable[[Json, Json], bool]:
    compare = _ORDER[suffix]
    return lambda left, right: (
        isinstance(left, str) and isinstance(right, str) and compare(left, right)
    )


def _numeric_compare(suffix: str) -> Callable[[Json, Json], bool]:
    compare = _ORDER[suffix]
    return lambda left, right: _is_number(left) and _is_number(right) and compare(left, right)


def _boolean_equals(left: Json, right: Json) -> bool:
    return isinstance(left, bool) and isinstance(right, bool) and left == right


def _string_matches(left: Json, pattern: Json) -> bool:
    """ASL StringMatches: '*' matches any run of characters; '\\*' and '\\\\' are literals."""
    if not isinstance(left, str) or not isinstance(pattern, str):
        return False
    regex: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            regex.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        regex.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.fullmatch("".join(regex), left, flags=re.DOTALL) is not None


COMPARISONS: dict[str, Callable[[Json, Json], bool]] = {
    **{f"String{suffix}": _string_compare(suffix) for suffix in _ORDER},
    **{f"Numeric{suffix}": _numeric_compare(suffix) for suffix in _ORDER},
    "BooleanEquals": _boolean_equals,
    "StringMatches": _string_matches,
}

TYPE_TESTS: dict[str, Callable[[Json], bool]] = {
    "IsNull": lambda value: value is None,
    "IsString": lambda value: isinstance(value, str),
    "IsNumeric": _is_number,
    "IsBoolean": lambda value: isinstance(value, bool),
}

_RULE_KEYS = {"Next", "Comment"}


def evaluate_rule(rule: Rule, data: Json, context: Json) -> bool:
    """Whether a (top-level or nested) Choice rule holds for the state's effective input."""
    if "And" in rule:
        return all(evaluate_rule(sub, data, context) for sub in rule["And"])
    if "Or" in rule:
        return any(evaluate_rule(sub, data, context) for sub in rule["Or"])
    if "Not" in rule:
        return not evaluate_rule(rule["Not"], data, context)
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        raise UnsupportedConstructError(f"Choice rule without Variable: {dict(rule)}")
    operators = [key for key in rule if key not in _RULE_KEYS | {"Variable"}]
    if len(operators) != 1:
        raise UnsupportedConstructError(f"Choice rule must have exactly one operator: {dict(rule)}")
    return _apply_operator(operators[0], variable, rule[operators[0]], data, context)


def _apply_operator(name: str, variable: str, expected: Json, data: Json, context: Json) -> bool:
    if name == "IsPresent":
        scope, path = (context, variable[1:]) if variable.startswith("$$") else (data, variable)
        return is_present(path, scope) is bool(expected)
    try:
        value = select_with_context(variable, data, context)
    except StatesRuntimeError as exc:
        raise StatesRuntimeError(
            f"Invalid path {variable!r}: the choice state's condition path references "
            "an invalid value"
        ) from exc
    if name in TYPE_TESTS:
        return TYPE_TESTS[name](value) is bool(expected)
    if name.endswith("Path") and name[:-4] in COMPARISONS:
        expected = select_with_context(expected, data, context)
        name = name[:-4]
    if name not in COMPARISONS:
        raise UnsupportedConstructError(f"Choice operator {name} is not supported")
    return COMPARISONS[name](value, expected)


def check_rule(rule: Rule, where: str) -> None:
    """Reject, before running, any operator the evaluator does not know (e.g. Timestamp*)."""
    for key in ("And", "Or"):
        if key in rule:
            for sub in rule[key]:
                check_rule(sub, where)
            return
    if "Not" in rule:
        check_rule(rule["Not"], where)
        return
    for name in rule:
        if name in _RULE_KEYS | {"Variable", "IsPresent"} or name in TYPE_TESTS:
            continue
        base = name[:-4] if name.endswith("Path") else name
        if base not in COMPARISONS:
            raise UnsupportedConstructError(
                f"{where}: Choice operator {name} is not supported by the local executor"
            )
