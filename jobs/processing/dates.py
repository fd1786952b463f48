"""Strict, vectorised `YYYY-MM-DD` parsing and calendar arithmetic on plain integers.

Dates stay (year, month, day) integers: no datetime64[ns] whose range ends in 2262, so the
"not employed" sentinel 3021-09-18 is an ordinary, comparable value and never overflows or turns
into NaN. `2020-02-30` is invalid; so is year 0000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLACEHOLDER = "0001-01-01"
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Dates:
    """Parsed dates; `valid` is False where the text is not a real date (fields are then junk)."""

    year: IntArray
    month: IntArray
    day: IntArray
    valid: BoolArray

    @property
    def ordinal(self) -> IntArray:
        """An integer that sorts like the date (YYYYMMDD); fits int32 for years up to 9999."""
        return (self.year * 10_000 + self.month * 100 + self.day).astype(np.int32)

    @property
    def month_day(self) -> IntArray:
        return (self.month * 100 + self.day).astype(np.int32)


def is_leap_year(year: IntArray) -> BoolArray:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def days_in_month(year: IntArray, month: IntArray) -> IntArray:
    days = _DAYS_IN_MONTH[np.clip(month, 0, 12)]
    return days + ((month == 2) & is_leap_year(year)).astype(np.int32)


def parse_iso_dates(texts: pa.Array | pa.ChunkedArray) -> Dates:
    """Parse strings as `YYYY-MM-DD` without any per-row Python code."""
    well_formed = pc.match_substring_regex(texts, ISO_DATE_PATTERN)
    safe = pc.if_else(well_formed, texts, _PLACEHOLDER)

    def part(start: int, stop: int) -> IntArray:
        sliced = pc.utf8_slice_codeunits(safe, start, stop)
        return np.asarray(pc.cast(sliced, pa.int32()), dtype=np.int32)

    year, month, day = part(0, 4), part(5, 7), part(8, 10)
    shaped = np.asarray(well_formed, dtype=np.bool_)
    in_range = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    valid = shaped & in_range & (day <= days_in_month(year, month))
    return Dates(year=year, month=month, day=day, valid=valid)


def completed_years(start: Dates, end: Dates) -> IntArray:
    """Whole calendar years from `start` to `end` (end >= start assumed; caller masks the rest).

    A year is completed when the calendar (month, day) of `start` is reached, so a 29 February
    birthday is completed on 1 March in common years.
    """
    not_reached = (end.month_day < start.month_day).astype(np.int32)
    return (end.year - start.year - not_reached).astype(np.int32)
