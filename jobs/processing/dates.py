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


def _fixed_width_bytes(texts: pa.Array, width: int) -> tuple[npt.NDArray[np.uint8], BoolArray]:
    """The bytes of every `width`-byte string as an (n, width) matrix, and which rows had that size.

    Reads the Arrow offsets and data buffers directly: no per-string Python objects.
    """
    if texts.null_count:
        texts = pc.fill_null(texts, "")
    offset_type = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    n = len(texts)
    offsets = np.frombuffer(texts.buffers()[1], dtype=offset_type, count=texts.offset + n + 1)
    offsets = offsets[texts.offset :]
    data_buffer = texts.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    sized = np.diff(offsets) == width
    if sized.all():
        return data[offsets[0] : offsets[-1]].reshape(n, width), sized
    matrix = np.zeros((n, width), dtype=np.uint8)
    starts = offsets[:-1][sized]
    matrix[sized] = data[starts[:, None] + np.arange(width)]
    return matrix, sized


def parse_iso_dates(texts: pa.Array | pa.ChunkedArray) -> Dates:
    """Parse strings as `YYYY-MM-DD` without any per-row Python code."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    matrix, sized = _fixed_width_bytes(texts, 10)
    digits = matrix - np.uint8(ord("0"))  # wraps around: any non-digit byte becomes > 9
    shaped = (
        sized
        & (digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] <= 9).all(axis=1)
        & (matrix[:, 4] == ord("-"))
        & (matrix[:, 7] == ord("-"))
    )

    def number(*columns: int) -> IntArray:
        value = np.zeros(len(digits), dtype=np.int32)
        for column in columns:
            value = value * 10 + digits[:, column]
        return np.where(shaped, value, 1).astype(np.int32)

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
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
