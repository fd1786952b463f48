import hashlib

import pytest

from local_stack.workflow.asl.errors import IntrinsicFailureError, UnsupportedConstructError
from local_stack.workflow.asl.intrinsics import evaluate

CONTEXT = {"Execution": {"Name": "exec-1"}}


def test_format_inserts_strings_and_numbers():
    assert evaluate("States.Format('{}/{}', $.a, $.n)", {"a": "x", "n": 0.5}, {}) == "x/0.5"


def test_format_keeps_escaped_braces_and_quotes():
    assert evaluate(r"States.Format('\{{}\} it\'s', $.a)", {"a": "v"}, {}) == "{v} it's"


def test_format_argument_count_mismatch_fails():
    with pytest.raises(IntrinsicFailureError):
        evaluate("States.Format('{} {}', $.a)", {"a": "x"}, {})


def test_string_to_json_parses_numbers():
    assert evaluate("States.StringToJson('86400')", {}, {}) == 86400
    assert evaluate("States.StringToJson('0.72')", {}, {}) == 0.72


def test_string_to_json_rejects_non_json():
    with pytest.raises(IntrinsicFailureError, match="not JSON"):
        evaluate("States.StringToJson('${x}')", {}, {})


def test_json_to_string_is_compact():
    assert evaluate("States.JsonToString($.o)", {"o": {"a": [1, 2]}}, {}) == '{"a":[1,2]}'


def test_hash_md5_of_execution_name_nested_in_format():
    expected = "p-" + hashlib.md5(b"exec-1").hexdigest()
    assert (
        evaluate("States.Format('p-{}', States.Hash($$.Execution.Name, 'MD5'))", {}, CONTEXT)
        == expected
    )


def test_hash_unknown_algorithm_fails():
    with pytest.raises(IntrinsicFailureError, match="algorithm"):
        evaluate("States.Hash($.a, 'CRC32')", {"a": "x"}, {})


def test_array_get_item_and_out_of_range():
    assert evaluate("States.ArrayGetItem($.v, 0)", {"v": [0.8]}, {}) == 0.8
    with pytest.raises(IntrinsicFailureError, match="outside"):
        evaluate("States.ArrayGetItem($.v, 0)", {"v": []}, {})


def test_math_add_integers_only():
    assert evaluate("States.MathAdd($.n, 1)", {"n": 4}, {}) == 5
    with pytest.raises(IntrinsicFailureError):
        evaluate("States.MathAdd($.n, 1)", {"n": 1.5}, {})


def test_path_argument_with_filter_and_comma_inside_brackets():
    data = {"m": [{"n": "a,b", "v": 1}]}
    assert evaluate("States.JsonToString($.m[?(@.n == 'a,b')].v)", data, {}) == "[1]"


def test_unknown_function_is_unsupported_and_named():
    with pytest.raises(UnsupportedConstructError, match=r"States\.UUID"):
        evaluate("States.UUID()", {}, {})


def test_malformed_call_fails_with_position():
    with pytest.raises(IntrinsicFailureError, match="offset"):
        evaluate("States.Format('a'", {}, {})
