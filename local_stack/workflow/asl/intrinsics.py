"""The intrinsic functions the workflow uses (`States.Format(...)` and friends), parsed from the
field value and evaluated against the state input and the context object.

Supported: States.Format, States.StringToJson, States.JsonToString, States.Hash,
States.ArrayGetItem, States.MathAdd. Any other function is an UnsupportedConstructError naming it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local_stack.workflow.asl.errors import IntrinsicFailureError, UnsupportedConstructError
from local_stack.workflow.asl.paths import select_with_context

Json = Any


@dataclass(frozen=True)
class Literal:
    value: Json


@dataclass(frozen=True)
class PathArg:
    path: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Literal | PathArg | Call, ...]


Arg = Literal | PathArg | Call


class _Parser:
    """Recursive descent over `States.Name(arg, ...)`; args are 'strings', numbers, null, true,
    false, JSONPaths ($... / $$...) or nested calls."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> IntrinsicFailureError:
        return IntrinsicFailureError(f"{message} at offset {self.pos} in {self.text!r}")

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> Call:
        call = self.call()
        self.skip_spaces()
        if self.pos != len(self.text):
            raise self.fail("Unexpected text after the function call")
        return call

    def call(self) -> Call:
        self.skip_spaces()
        start = self.pos
        while self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] in "._"
        ):
            self.pos += 1
        name = self.text[start : self.pos]
        if not name.startswith("States."):
            raise self.fail("Expected an intrinsic function name (States.*)")
        self.skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            raise self.fail(f"Expected '(' after {name}")
        self.pos += 1
        args: list[Arg] = []
        self.skip_spaces()
        if self.text[self.pos : self.pos + 1] == ")":
            self.pos += 1
            return Call(name, ())
        while True:
            args.append(self.argument())
            self.skip_spaces()
            if self.pos >= len(self.text):
                raise self.fail("Unterminated argument list")
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            if self.text[self.pos] == ")":
                self.pos += 1
                return Call(name, tuple(args))
            raise self.fail("Expected ',' or ')'")

    def argument(self) -> Arg:
        self.skip_spaces()
        rest = self.text[self.pos :]
        if rest.startswith("'"):
            return Literal(self.string())
        if rest.startswith("$"):
            return PathArg(self.path())
        if rest.startswith("States."):
            return self.call()
        for word, value in (("null", None), ("true", True), ("false", False)):
            if rest.startswith(word):
                self.pos += len(word)
                return Literal(value)
        return Literal(self.number())

    def string(self) -> str:
        self.pos += 1  # opening quote
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.text[self.pos + 1 : self.pos + 2] in ("'", "\\"):
                # \' and \\ are unescaped here; \{ and \} stay for States.Format to read.
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == "'":
                self.pos += 1
                return "".join(chars)
            chars.append(char)
            self.pos += 1
        raise self.fail("Unterminated string literal")

    def path(self) -> str:
        """A JSONPath runs to the next ',' or ')' outside brackets, parentheses and quotes."""
        start = self.pos
        depth = 0
        quote = ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.pos += 1
        return self.text[start : self.pos].strip()

    def number(self) -> int | float:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in "+-0123456789.eE":
            self.pos += 1
        token = self.text[start : self.pos]
        try:
            return int(token)
        except ValueError:
            pass
        try:
            return float(token)
        except ValueError:
            raise self.fail(
                f"Unexpected argument {token or self.text[start : start + 10]!r}"
            ) from None


def _format(template: Json, *values: Json) -> str:
    if not isinstance(template, str):
        raise IntrinsicFailureError("States.Format needs a string template as its first argument")
    pieces: list[str] = []
    remaining = list(values)
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\" and index + 1 < len(template):
            pieces.append(template[index + 1])
            index += 2
            continue
        if template.startswith("{}", index):
            if not remaining:
                raise IntrinsicFailureError(
                    f"States.Format: more {{}} than arguments in {template!r}"
                )
            pieces.append(_format_value(remaining.pop(0)))
            index += 2
            continue
        pieces.append(char)
        index += 1
    if remaining:
        raise IntrinsicFailureError(f"States.Format: more arguments than {{}} in {template!r}")
    return "".join(pieces)


def _format_value(value: Json) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        raise IntrinsicFailureError(
            "States.Format arguments must be strings, numbers, booleans or null"
        )
    return json.dumps(value)


def _string_to_json(text: Json) -> Json:
    if not isinstance(text, str):
        raise IntrinsicFailureError("States.StringToJson needs a string")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IntrinsicFailureError(f"States.StringToJson: {text!r} is not JSON ({exc})") from exc


def _json_to_string(value: Json) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _hash(data: Json, algorithm: Json) -> str:
    if algorithm not in _HASHES:
        raise IntrinsicFailureError(
            f"States.Hash: algorithm {algorithm!r} is not one of {sorted(_HASHES)}"
        )
    text = data if isinstance(data, str) else _json_to_string(data)
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def _array_get_item(array: Json, index: Json) -> Json:
    if not isinstance(array, list) or not isinstance(index, int) or isinstance(index, bool):
        raise IntrinsicFailureError("States.ArrayGetItem needs an array and an integer index")
    if not 0 <= index < len(array):
        raise IntrinsicFailureError(
            f"States.ArrayGetItem: index {index} is outside an array of {len(array)}"
        )
    return array[index]


def _math_add(left: Json, right: Json) -> int:
    for value in (left, right):
        if not isinstance(value, int) or isinstance(value, bool):
            raise IntrinsicFailureError(f"States.MathAdd needs integers, got {value!r}")
    return int(left + right)


FUNCTIONS: dict[str, tuple[Callable[..., Json], int | None]] = {
    "States.Format": (_format, None),
    "States.StringToJson": (_string_to_json, 1),
    "States.JsonToString": (_json_to_string, 1),
    "States.Hash": (_hash, 2),
    "States.ArrayGetItem": (_array_get_item, 2),
    "States.MathAdd": (_math_add, 2),
}


def parse(text: str) -> Call:
    call = _Parser(text).parse()
    _check_supported(call)
    return call


def _check_supported(call: Call) -> None:
    if call.name not in FUNCTIONS:
        raise UnsupportedConstructError(
            f"Intrinsic function {call.name} is not supported by the local executor "
            f"(supported: {', '.join(sorted(FUNCTIONS))})"
        )
    for arg in call.args:
        if isinstance(arg, Call):
            _check_supported(arg)


def evaluate(text: str, data: Json, context: Json) -> Json:
    """Evaluate one intrinsic expression such as `States.Format('a-{}', $.x)`."""
    return _evaluate(parse(text), data, context)


def _evaluate(call: Call, data: Json, context: Json) -> Json:
    function, arity = FUNCTIONS[call.name]
    if arity is not None and len(call.args) != arity:
        raise IntrinsicFailureError(f"{call.name} takes {arity} arguments, got {len(call.args)}")
    values = [_argument_value(arg, data, context) for arg in call.args]
    return function(*values)


def _argument_value(arg: Arg, data: Json, context: Json) -> Json:
    if isinstance(arg, Literal):
        return arg.value
    if isinstance(arg, PathArg):
        return select_with_context(arg.path, data, context)
    return _evaluate(arg, data, context)
