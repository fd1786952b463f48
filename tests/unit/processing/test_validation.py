"""Value rules checked against plain Python definitions of the same rules."""

from __future__ import annotations

import math
import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.processing import validation


def python_positive_number(text: str) -> bool:
    if not re.fullmatch(r"\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", text):
        return False
    value = float(text)
    return math.isfinite(value) and value > 0


def python_positive_integer(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,18}", text) is not None and int(text) > 0


number_like = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["+5", "1.", ".5", "5e-400", "1e999", "-0", "00012.50", "+.5", "1E+05"]),
)
anything = st.one_of(number_like, st.text(alphabet="0123456789.+-eE ,x", max_size=8), st.text())


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(number_like, min_size=1, max_size=20))
def test_positive_numbers_fast_path_agrees_with_definition(texts: list[str]) -> None:
    values, ok = validation._positive_numbers(pa.array(texts), np.ones(len(texts), np.bool_))
    assert ok.tolist() == [python_positive_number(t) for t in texts]
    assert [v for v, good in zip(values, ok, strict=True) if good] == [
        float(t) for t in texts if python_positive_number(t)
    ]


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(anything, min_size=1, max_size=20))
def test_positive_numbers_slow_path_agrees_with_definition(texts: list[str]) -> None:
    _, ok = validation._positive_numbers(pa.array(texts), np.ones(len(texts), np.bool_))
    assert ok.tolist() == [python_positive_number(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.one_of(st.integers(-5, 10**19).map(str), st.text(max_size=6)), min_size=1, max_size=20
    )
)
def test_positive_integers_agree_with_definition(texts: list[str]) -> None:
    values, ok = validation._positive_integers(pa.array(texts), np.ones(len(texts), np.bool_))
    assert ok.tolist() == [python_positive_integer(t) for t in texts]
    assert [int(v) for v, good in zip(values, ok, strict=True) if good] == [
        int(t) for t in texts if python_positive_integer(t)
    ]


def test_one_of_accepts_exact_values_only() -> None:
    ok = validation._one_of(
        pa.array(["Y", "N", "y", " Y", "", "YN"]), np.array([1, 1, 1, 1, 0, 1], bool), ("Y", "N")
    )
    assert ok.tolist() == [True, True, False, False, True, False]  # empty is value.missing's job
