"""Reading raw CSV files: discovery, header and encoding checks, the pyarrow read, row location.

The fast path reads only the required columns, all as strings (no type inference), with pyarrow's
multi-threaded CSV reader. The slow paths (a Python scan of the file) run only when a file is
already known to be broken, to locate the offending rows for the report.
"""

from __future__ import annotations

import codecs
import csv
import logging
import mmap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from jobs import schema
from jobs.processing.rules import Example, Violation

log = logging.getLogger(__name__)

_CHUNK_BYTES = 8 * 1024 * 1024
_BOM = codecs.BOM_UTF8
_OTHER_DELIMITERS = (";", "\t", "|")


class RejectedFileError(Exception):
    """A file broke a structural rule; its values cannot be checked."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.rule for v in violations))
        self.violations = violations


@dataclass(frozen=True)
class RawFile:
    """The required columns of one file, as strings exactly as written."""

    path: Path
    name: str
    header: list[str]
    table: pa.Table

    @property
    def rows(self) -> int:
        return self.table.num_rows


def discover_csv_files(input_dir: Path) -> list[Path]:
    """All `*.csv` files under the input directory (SageMaker may keep S3 sub-prefixes), sorted."""
    return sorted(p for p in input_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")


def _csv_reader(lines: Iterable[str]) -> Iterator[list[str]]:
    return csv.reader(lines, delimiter=",", quotechar='"', strict=False)


def _is_ascii(path: Path) -> bool:
    """Whether every byte is below 0x80 (so valid UTF-8): one vectorised pass over the mapped
    file, without copying it into Python buffers first (0.02 s instead of 0.05 s for 127 MB)."""
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return bool(np.frombuffer(view, np.uint8).max() < 0x80)


def _first_invalid_utf8(path: Path) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, or None when the whole file is valid."""
    if _is_ascii(path):
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            if not decoder.getstate()[0] and np.frombuffer(chunk, np.uint8).max() < 0x80:
                offset += len(chunk)  # pure ASCII, no sequence pending: valid, skip decoding
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset + error.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset + error.start
    return None


def _encoding_violation(path: Path, name: str, header: list[str], limit: int) -> Violation:
    """Scan line by line for invalid UTF-8 and name the column each bad byte sits in."""
    examples: list[Example] = []
    count = 0
    columns: set[str] = set()
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        for line_number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
                continue
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.end]
            count += 1
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            column = _column_of_replacement(text, header) if line_number > 1 else None
            if column:
                columns.add(column)
            if len(examples) < limit:
                detail = {"bytes": bad.hex(" "), "column": column}
                examples.append(Example(name, text[:120], row=line_number, detail=detail))
    named = sorted(columns)
    message = f"{count} line(s) contain bytes that are not UTF-8"
    if named:
        message += f" (columns: {', '.join(named)})"
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        message += "; the file starts with a UTF-16 byte order mark: save it as UTF-8"
    return Violation(
        "file.not_utf8", named[0] if len(named) == 1 else None, count, examples, message
    )


def _column_of_replacement(text: str, header: list[str]) -> str | None:
    fields = next(_csv_reader([text]), [])
    for i, value in enumerate(fields):
        if "\ufffd" in value:
            return header[i] if i < len(header) else f"field {i + 1}"
    return None


def read_header(path: Path, name: str) -> list[str]:
    """The header row; rejects an empty file or a header without the required columns."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        header = next(_csv_reader(handle), None)
    if not header or (len(header) == 1 and not header[0].strip()):
        raise RejectedFileError([Violation("file.empty", None, 1, [Example(name, "", row=1)])])
    violations = []
    for column in schema.REQUIRED_COLUMNS:
        occurrences = header.count(column)
        if occurrences == 0:
            hint = _delimiter_hint(header)
            violations.append(
                Violation(
                    "header.missing_column",
                    column,
                    1,
                    [Example(name, ",".join(header)[:200], row=1)],
                    f"column {column!r} is not in the header ({len(header)} column(s)){hint}",
                )
            )
        elif occurrences > 1:
            violations.append(
                Violation(
                    "header.duplicate_column",
                    column,
                    occurrences,
                    [Example(name, column, row=1)],
                    f"column {column!r} appears {occurrences} times in the header",
                )
            )
    if violations:
        raise RejectedFileError(violations)
    return header


def _delimiter_hint(header: list[str]) -> str:
    if len(header) != 1:
        return ""
    for delimiter in _OTHER_DELIMITERS:
        if delimiter in header[0]:
            return f"; the file seems delimited by {delimiter!r}, but it must be comma separated"
    return ""


def _read_table(path: Path, newlines_in_values: bool) -> pa.Table:
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=True),
        parse_options=pacsv.ParseOptions(delimiter=",", newlines_in_values=newlines_in_values),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(schema.REQUIRED_COLUMNS),
            column_types=dict.fromkeys(schema.REQUIRED_COLUMNS, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _field_count_violation(path: Path, name: str, expected: int, limit: int) -> Violation | None:
    examples: list[Example] = []
    count = 0
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=",", quotechar='"', strict=False)
        next(reader, None)
        previous_end = reader.line_num
        for fields in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if fields and len(fields) != expected:
                count += 1
                if len(examples) < limit:
                    value = f"{len(fields)} fields, expected {expected}"
                    examples.append(Example(name, value, row=start))
    if not count:
        return None
    return Violation(
        "row.field_count", None, count, examples, f"{count} record(s) have the wrong field count"
    )


def read_raw_file(path: Path, name: str, example_limit: int) -> RawFile:
    """Read one file's required columns as strings; a structural defect rejects the file."""
    if path.stat().st_size == 0:
        raise RejectedFileError([Violation("file.empty", None, 1, [Example(name, "", row=1)])])
    bad_offset = _first_invalid_utf8(path)
    if bad_offset is not None:
        log.warning("%s: invalid UTF-8 at byte %d", name, bad_offset)
        header = _safe_header(path)
        raise RejectedFileError([_encoding_violation(path, name, header, example_limit)])
    header = read_header(path, name)
    try:
        table = _read_table(path, newlines_in_values=False)
    except pa.ArrowInvalid as first_error:
        log.info(
            "%s: fast CSV read failed (%s); retrying with quoted line breaks", name, first_error
        )
        try:
            table = _read_table(path, newlines_in_values=True)
        except pa.ArrowInvalid as error:
            violation = _field_count_violation(path, name, len(header), example_limit)
            if violation is None:
                violation = Violation(
                    "file.unparseable", None, 1, [Example(name, str(error)[:300])], str(error)
                )
            raise RejectedFileError([violation]) from error
    if table.num_rows == 0:
        raise RejectedFileError(
            [
                Violation(
                    "file.no_data_rows", None, 1, [Example(name, ",".join(header)[:200], row=1)]
                )
            ]
        )
    return RawFile(path=path, name=name, header=header, table=table)


def _safe_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline().removeprefix(_BOM).decode("utf-8", "replace")
    return next(_csv_reader([first]), [])


def record_rows(path: Path, records: Iterable[int]) -> dict[int, int]:
    """Map 0-based data record indexes to the line number where each record starts.

    Counts records as pyarrow does (blank lines are skipped, quoted line breaks stay in the record),
    and stops reading after the last wanted record.
    """
    wanted = set(records)
    found: dict[int, int] = {}
    if not wanted:
        return found
    last = max(wanted)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=",", quotechar='"', strict=False)
        next(reader, None)
        previous_end = reader.line_num
        record = 0
        for fields in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not fields:
                continue
            if record in wanted:
                found[record] = start
            if record >= last:
                break
            record += 1
    return found
