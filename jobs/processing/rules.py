"""The validation rules of the raw file (ARCHITECTURE.md 3.1) and the violations they report.

Rule ids are stable: reports, tests and docs/data-plane.md name them. A violation counts the rows
(or files) that break one rule in one column and keeps the first examples, each located by file and
row.

Row numbers: `row` is the line number in the file where the offending record starts, counting the
header as line 1 (so the first data record of an ordinary file is row 2), exactly what an editor or
`sed -n '<row>p' FILE` shows. Blank lines and line breaks inside quoted fields are counted as lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    id: str
    description: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("input.no_csv_files", "the input directory holds no *.csv file"),
        Rule("file.empty", "the file is empty: not even a header row"),
        Rule("file.not_utf8", "the file is not valid UTF-8 (a UTF-8 BOM is tolerated)"),
        Rule("header.missing_column", "a required column is absent from the header row"),
        Rule("header.duplicate_column", "a required column appears more than once in the header"),
        Rule("file.no_data_rows", "the file has a header but no data row"),
        Rule("row.field_count", "a record has a different number of fields than the header"),
        Rule("file.unparseable", "the CSV parser could not read the file"),
        Rule("value.missing", "a required value is empty"),
        Rule("value.not_positive_integer", "not a positive integer (digits only, at most 18)"),
        Rule("value.not_a_date", "not a real calendar date written YYYY-MM-DD"),
        Rule("value.not_positive_number", "not a finite decimal number greater than 0"),
        Rule("value.not_y_or_n", "not exactly Y or N"),
        Rule("value.not_0_or_1", "not exactly 0 or 1"),
        Rule("loan_id.duplicate", "the loan_id appears on more than one row (across all files)"),
        Rule("birthday.not_before_loan_date", "the birthday is not before the loan_date"),
    )
}


@dataclass
class Example:
    """One offending place. `record` is the 0-based data record index, used to compute `row`."""

    file: str
    value: str
    row: int | None = None
    record: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "value": self.value, **self.detail}


@dataclass
class Violation:
    rule: str
    column: str | None
    count: int
    examples: list[Example]
    message: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown validation rule {self.rule!r}")

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "column": self.column,
            "description": RULES[self.rule].description,
            "message": self.message,
            "count": self.count,
            "examples": [example.to_json() for example in self.examples],
        }
