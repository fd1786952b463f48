import pytest

from local_stack.workflow.asl.choice import check_rule, evaluate_rule
from local_stack.workflow.asl.errors import StatesRuntimeError, UnsupportedConstructError

DATA = {"status": "InService", "auc": 0.8, "gate": 0.7, "flag": True, "nothing": None, "v": []}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"Variable": "$.status", "StringEquals": "InService"}, True),
        ({"Variable": "$.status", "StringEquals": "Failed"}, False),
        ({"Variable": "$.status", "StringEqualsPath": "$.status"}, True),
        ({"Variable": "$.auc", "NumericGreaterThanEqualsPath": "$.gate"}, True),
        ({"Variable": "$.gate", "NumericGreaterThanEqualsPath": "$.auc"}, False),
        ({"Variable": "$.auc", "NumericLessThan": 1}, True),
        ({"Variable": "$.status", "NumericEquals": 1}, False),  # type mismatch is false
        ({"Variable": "$.flag", "BooleanEquals": True}, True),
        ({"Variable": "$.status", "StringMatches": "In*ice"}, True),
        ({"Variable": "$.status", "StringMatches": "In\\*"}, False),
        ({"Variable": "$.nothing", "IsNull": True}, True),
        ({"Variable": "$.auc", "IsNumeric": True}, True),
        ({"Variable": "$.status", "IsString": False}, False),
        ({"Variable": "$.v[0]", "IsPresent": False}, True),
        ({"Variable": "$.absent", "IsPresent": True}, False),
        ({"Variable": "$$.Execution.Name", "IsPresent": True}, True),
        ({"Not": {"Variable": "$.status", "StringEquals": "Failed"}}, True),
        (
            {
                "And": [
                    {"Variable": "$.status", "StringEquals": "InService"},
                    {"Variable": "$.auc", "NumericGreaterThan": 0.9},
                ]
            },
            False,
        ),
        (
            {
                "Or": [
                    {"Variable": "$.status", "StringEquals": "Failed"},
                    {"Variable": "$.auc", "NumericGreaterThan": 0.5},
                ]
            },
            True,
        ),
    ],
)
def test_evaluate_rule_operators(rule, expected):
    assert evaluate_rule(rule, DATA, {"Execution": {"Name": "e"}}) is expected


def test_evaluate_rule_missing_variable_is_runtime_error():
    with pytest.raises(StatesRuntimeError, match="Invalid path"):
        evaluate_rule({"Variable": "$.absent", "StringEquals": "x"}, DATA, {})


def test_check_rule_names_unsupported_operator():
    rule = {"Variable": "$.t", "TimestampEquals": "2024-01-01T00:00:00Z", "Next": "X"}
    with pytest.raises(UnsupportedConstructError, match="TimestampEquals"):
        check_rule(rule, "State 'C'")
