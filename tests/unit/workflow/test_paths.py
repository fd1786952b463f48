import pytest

from local_stack.workflow.asl import intrinsics
from local_stack.workflow.asl.errors import StatesRuntimeError
from local_stack.workflow.asl.paths import (
    apply_input_path,
    apply_result_path,
    is_present,
    render_payload,
    select,
    select_with_context,
)

DESCRIBE = {
    "TrainingJobName": "training-1",
    "FinalMetricDataList": [
        {"MetricName": "pr_auc", "Value": 0.2},
        {"MetricName": "roc_auc", "Value": 0.81},
    ],
}


def test_select_definite_path_returns_the_value():
    assert select("$.FinalMetricDataList[1].Value", DESCRIBE) == 0.81


def test_select_filter_returns_list_of_matches():
    path = "$.FinalMetricDataList[?(@.MetricName == 'roc_auc')].Value"
    assert select(path, DESCRIBE) == [0.81]


def test_select_filter_without_match_returns_empty_list():
    path = "$.FinalMetricDataList[?(@.MetricName == 'f1')].Value"
    assert select(path, DESCRIBE) == []


def test_select_missing_definite_path_is_runtime_error():
    with pytest.raises(StatesRuntimeError, match=r"\$\.missing"):
        select("$.missing", DESCRIBE)


def test_is_present_on_index_of_empty_list_is_false():
    assert not is_present("$.values[0]", {"values": []})
    assert is_present("$.values[0]", {"values": [0]})


def test_select_with_context_reads_context_for_double_dollar():
    context = {"Execution": {"Name": "run-1"}}
    assert select_with_context("$$.Execution.Name", {"Execution": "input"}, context) == "run-1"


def test_input_path_null_gives_empty_object():
    assert apply_input_path(None, {"a": 1}) == {}


def test_result_path_null_keeps_input():
    assert apply_result_path(None, {"a": 1}, {"b": 2}) == {"a": 1}


def test_result_path_root_replaces_input():
    assert apply_result_path("$", {"a": 1}, {"b": 2}) == {"b": 2}


def test_result_path_creates_missing_objects_without_touching_input():
    state_input = {"a": 1}
    output = apply_result_path("$.errors.Training", state_input, {"Error": "E"})
    assert output == {"a": 1, "errors": {"Training": {"Error": "E"}}}
    assert state_input == {"a": 1}


def test_result_path_into_non_object_is_runtime_error():
    with pytest.raises(StatesRuntimeError):
        apply_result_path("$.a.b", {"a": 3}, 1)


def test_render_payload_resolves_paths_context_and_intrinsics_in_nested_arrays():
    template = {
        "Name.$": "$.name",
        "Static": [{"Id.$": "$$.Execution.Name", "Literal": 1}],
        "Label.$": "States.Format('job-{}', $.name)",
    }
    rendered = render_payload(
        template, {"name": "x"}, {"Execution": {"Name": "e"}}, intrinsics.evaluate
    )
    assert rendered == {"Name": "x", "Static": [{"Id": "e", "Literal": 1}], "Label": "job-x"}


def test_render_payload_missing_path_names_the_field():
    with pytest.raises(StatesRuntimeError, match=r"'Name\.\$'"):
        render_payload({"Name.$": "$.absent"}, {}, {}, intrinsics.evaluate)
