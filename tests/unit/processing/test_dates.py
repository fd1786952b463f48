from __future__ import annotations

import re
from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs import schema
from jobs.processing.dates import completed_years, parse_iso_dates
from tests.unit.processing.reference import completed_years as reference_completed_years


def is_real_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2020-02-29", True),
        ("2019-02-29", False),
        ("2020-02-30", False),
        ("1900-02-29", False),
        ("2000-02-29", True),
        ("2020-04-31", False),
        ("2020-13-01", False),
        ("2020-00-10", False),
        ("0000-01-01", False),
        ("9999-12-31", True),
        (schema.JOB_START_SENTINEL, True),
        ("2020-1-05", False),
        ("20200105", False),
        ("2020/01/05", False),
        (" 2020-01-05", False),
        ("2020-01-05T00:00:00", False),
        ("\uff12\uff10\uff12\uff10-01-05", False),  # full-width digits
        ("", False),
    ],
)
def test_parse_iso_dates_accepts_only_real_calendar_dates(text: str, valid: bool) -> None:
    assert parse_iso_dates(pa.array([text])).valid.tolist() == [valid]


def test_parse_iso_dates_sentinel_is_a_comparable_date_not_nan() -> None:
    parsed = parse_iso_dates(pa.array([schema.JOB_START_SENTINEL, "2020-12-30"]))
    assert parsed.valid.tolist() == [True, True]
    assert parsed.ordinal.tolist() == [30210918, 20201230]
    assert parsed.ordinal[0] > parsed.ordinal[1]


date_texts = st.one_of(
    st.dates().map(date.isoformat),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(date_texts, min_size=1, max_size=20))
def test_parse_iso_dates_validity_matches_python_calendar(texts: list[str]) -> None:
    assert parse_iso_dates(pa.array(texts, pa.string())).valid.tolist() == [
        is_real_date(t) for t in texts
    ]


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.dates(), st.dates()).map(sorted).map(tuple), min_size=1, max_size=20
    )
)
def test_completed_years_matches_calendar_anniversaries(pairs: list[tuple[date, date]]) -> None:
    starts = parse_iso_dates(pa.array([s.isoformat() for s, _ in pairs]))
    ends = parse_iso_dates(pa.array([e.isoformat() for _, e in pairs]))
    assert completed_years(starts, ends).tolist() == [
        reference_completed_years(s, e) for s, e in pairs
    ]


@pytest.mark.parametrize(
    ("birthday", "on", "age"),
    [
        ("2000-02-29", "2021-02-28", 20),
        ("2000-02-29", "2021-03-01", 21),
        ("2000-02-29", "2024-02-29", 24),
        ("2000-02-29", "2024-02-28", 23),
        ("1990-12-31", "2020-12-30", 29),
        ("1990-12-31", "2020-12-31", 30),
    ],
)
def test_completed_years_leap_day_birthday_reaches_anniversary_on_first_march(
    birthday: str, on: str, age: int
) -> None:
    assert completed_years(
        parse_iso_dates(pa.array([birthday])), parse_iso_dates(pa.array([on]))
    ).tolist() == [age]


def test_parse_iso_dates_reads_sliced_and_chunked_arrays() -> None:
    texts = pa.array(["1999-12-31", "2020-02-29", "", "2021-02-29", "3021-09-18"])
    sliced = parse_iso_dates(texts.slice(1, 3))
    chunked = parse_iso_dates(pa.chunked_array([texts.slice(0, 2), texts.slice(2)]))
    assert sliced.valid.tolist() == [True, False, False]
    assert sliced.ordinal[0] == 20200229
    assert chunked.valid.tolist() == [True, True, False, False, True]
    assert chunked.ordinal[[0, 1, 4]].tolist() == [19991231, 20200229, 30210918]
