"""Vectorised row rules (ARCHITECTURE.md 3.1) over the string columns of one or more files.

Every check is a pyarrow/numpy expression over whole columns; the result is a boolean mask of bad
rows per rule and column, turned into a Violation with a count and the first examples.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from jobs import schema
from jobs.processing.arrow import from_numpy, string_scalar, to_numpy
from jobs.processing.dates import BoolArray, Dates, parse_iso_dates
from jobs.processing.reading import RawFile
from jobs.processing.rules import Example, Violation

MAX_INTEGER_DIGITS = 18  # always fits int64
POSITIVE_NUMBER_PATTERN = r"^\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
DATE_COLUMNS = ("loan_date", "birthday", "job_start_date")
OPTIONAL_COLUMNS = frozenset({"job_start_date"})
CHECK_THREADS = min(4, os.cpu_count() or 1)


@dataclass(frozen=True)
class ParsedLoans:
    """The required columns of one file, parsed; a value is meaningful only where its rules pass."""

    loan_id: npt.NDArray[np.int64]
    user_id: npt.NDArray[np.int64]
    loan_amount: npt.NDArray[np.float64]
    loan_date: Dates
    loan_date_text: pa.Array
    birthday: Dates
    job_start: Dates
    job_start_present: BoolArray
    owns_car: npt.NDArray[np.int8]
    status: npt.NDArray[np.int8]
    loan_id_valid: BoolArray


def _mask(values: pa.Array) -> BoolArray:
    return to_numpy(values)


def _strings(column: pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)


def _where(condition: BoolArray, text: pa.Array, otherwise: str) -> pa.Array:
    return pc.if_else(from_numpy(condition, pa.bool_()), text, string_scalar(otherwise))


def violation_from_mask(
    rule: str,
    column: str,
    bad: BoolArray,
    *,
    raw: RawFile,
    limit: int,
    message: str,
    detail_column: str | None = None,
) -> Violation | None:
    count = int(np.count_nonzero(bad))
    if not count:
        return None
    records = np.flatnonzero(bad)[:limit].tolist()
    values = raw.table.column(column).take(records).to_pylist()
    context = raw.table.column(detail_column).take(records).to_pylist() if detail_column else None
    examples = [
        Example(
            raw.name,
            value,
            record=record,
            detail={detail_column: context[i]} if detail_column and context else {},
        )
        for i, (record, value) in enumerate(zip(records, values, strict=True))
    ]
    return Violation(rule, column, count, examples, message.format(count=count, column=column))


def _positive_integers(
    text: pa.Array, present: BoolArray
) -> tuple[npt.NDArray[np.int64], BoolArray]:
    shaped = _mask(pc.ascii_is_decimal(text)) & (
        to_numpy(pc.binary_length(text)) <= MAX_INTEGER_DIGITS
    )
    values = to_numpy(pc.cast(_where(shaped, text, "0"), pa.int64()))
    return values, ~present | (shaped & (values > 0))


def _positive_numbers(
    text: pa.Array, present: BoolArray
) -> tuple[npt.NDArray[np.float64], BoolArray]:
    """Finite decimals > 0. Fast path: Arrow parses the whole column at once; its parser yields a
    finite positive value for exactly the strings POSITIVE_NUMBER_PATTERN matches (a sign, inf,
    nan or 0 never pass), so the pattern is needed only to sort out a column that does not parse.
    """
    try:
        values = to_numpy(pc.cast(text, pa.float64()))
        shaped = np.ones(len(values), dtype=np.bool_)
    except pa.ArrowInvalid:
        shaped = _mask(pc.match_substring_regex(text, POSITIVE_NUMBER_PATTERN))
        values = to_numpy(pc.cast(_where(shaped, text, "1"), pa.float64()))
    with np.errstate(invalid="ignore"):
        return values, ~present | (shaped & np.isfinite(values) & (values > 0))


def _one_of(text: pa.Array, present: BoolArray, allowed: Sequence[str]) -> BoolArray:
    ok = np.zeros(len(text), dtype=np.bool_)
    for value in allowed:
        ok |= _mask(pc.equal(text, string_scalar(value)))
    return ~present | ok


def validate_file(raw: RawFile, limit: int) -> tuple[ParsedLoans, list[Violation]]:
    """Check every row rule that concerns a single file; parse the columns on the way."""
    # The columns are independent and numpy/Arrow release the GIL: check them side by side.
    with ThreadPoolExecutor(max_workers=CHECK_THREADS) as pool:
        columns = schema.REQUIRED_COLUMNS
        texts = list(pool.map(lambda c: _strings(raw.table.column(c)), columns))
        text = dict(zip(columns, texts, strict=True))
        nonempty = pool.map(lambda t: _mask(pc.not_equal(t, string_scalar(""))), texts)
        present = dict(zip(columns, nonempty, strict=True))
        date_checks = {c: pool.submit(parse_iso_dates, text[c]) for c in DATE_COLUMNS}
        loan_id_check = pool.submit(_positive_integers, text["loan_id"], present["loan_id"])
        user_id_check = pool.submit(_positive_integers, text["id"], present["id"])
        amount_check = pool.submit(_positive_numbers, text["loan_amount"], present["loan_amount"])
        car_check = pool.submit(_one_of, text["flag_own_car"], present["flag_own_car"], ("Y", "N"))
        status_check = pool.submit(_one_of, text["status"], present["status"], ("0", "1"))
        loan_id, loan_id_ok = loan_id_check.result()
        user_id, user_id_ok = user_id_check.result()
        amount, amount_ok = amount_check.result()
        dates = {c: check.result() for c, check in date_checks.items()}
        car_ok, status_ok = car_check.result(), status_check.result()

    found: list[Violation | None] = [
        violation_from_mask(
            "value.missing",
            c,
            ~present[c],
            raw=raw,
            limit=limit,
            message="{count} row(s) have no {column}",
        )
        for c in schema.REQUIRED_COLUMNS
        if c not in OPTIONAL_COLUMNS
    ]

    invalid = "{count} row(s) with an invalid {column}"
    for rule, column, ok in (
        ("value.not_positive_integer", "loan_id", loan_id_ok),
        ("value.not_positive_integer", "id", user_id_ok),
        ("value.not_positive_number", "loan_amount", amount_ok),
        *(("value.not_a_date", c, ~present[c] | dates[c].valid) for c in DATE_COLUMNS),
        ("value.not_y_or_n", "flag_own_car", car_ok),
        ("value.not_0_or_1", "status", status_ok),
    ):
        found.append(violation_from_mask(rule, column, ~ok, raw=raw, limit=limit, message=invalid))

    birthday, loan_date = dates["birthday"], dates["loan_date"]
    both = birthday.valid & loan_date.valid
    found.append(
        violation_from_mask(
            "birthday.not_before_loan_date",
            "birthday",
            both & (birthday.ordinal >= loan_date.ordinal),
            raw=raw,
            limit=limit,
            message="{count} row(s) have a birthday on or after the loan_date",
            detail_column="loan_date",
        )
    )
    parsed = ParsedLoans(
        loan_id=loan_id,
        user_id=user_id,
        loan_amount=amount,
        loan_date=loan_date,
        loan_date_text=text["loan_date"],
        birthday=birthday,
        job_start=dates["job_start_date"],
        job_start_present=present["job_start_date"],
        owns_car=_mask(pc.equal(text["flag_own_car"], string_scalar("Y"))).astype(np.int8),
        status=_mask(pc.equal(text["status"], string_scalar("1"))).astype(np.int8),
        loan_id_valid=present["loan_id"] & loan_id_ok,
    )
    return parsed, [v for v in found if v is not None]


def duplicate_loan_ids(
    files: Sequence[RawFile], parsed: Sequence[ParsedLoans], limit: int
) -> Violation | None:
    """loan_id must be unique across every file read together."""
    ids = np.concatenate([p.loan_id[p.loan_id_valid] for p in parsed])
    sorted_ids = np.sort(ids)
    if not np.any(sorted_ids[1:] == sorted_ids[:-1]):
        return None
    file_index = np.concatenate(
        [np.full(np.count_nonzero(p.loan_id_valid), i, np.int32) for i, p in enumerate(parsed)]
    )
    record = np.concatenate([np.flatnonzero(p.loan_id_valid) for p in parsed])
    order = np.argsort(ids, kind="stable")  # stable: within a loan_id, file then record order
    ids_sorted = ids[order]
    same_as_next = ids_sorted[1:] == ids_sorted[:-1]
    duplicated = np.zeros(len(ids), dtype=np.bool_)
    duplicated[1:] |= same_as_next
    duplicated[:-1] |= same_as_next
    count = int(np.count_nonzero(duplicated))
    if not count:
        return None
    group_first = np.maximum.accumulate(
        np.where(np.concatenate(([True], ~same_as_next)), np.arange(len(ids)), 0)
    )
    later = np.flatnonzero(duplicated & (np.arange(len(ids)) != group_first))
    later = later[np.lexsort((record[order][later], file_index[order][later]))][:limit]
    examples = []
    for position in later:
        first = order[group_first[position]]
        this = order[position]
        examples.append(
            Example(
                files[file_index[this]].name,
                str(ids[this]),
                record=int(record[this]),
                detail={
                    "first_seen": {
                        "file": files[file_index[first]].name,
                        "record": int(record[first]),
                    }
                },
            )
        )
    distinct = int(np.count_nonzero(duplicated & (np.arange(len(ids)) == group_first)))
    return Violation(
        "loan_id.duplicate",
        "loan_id",
        count,
        examples,
        f"{distinct} loan_id value(s) appear on {count} rows",
    )
