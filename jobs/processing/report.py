"""The validation report (`validation_report.json`) and the one-paragraph failure summary."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.processing.reading import record_rows
from jobs.processing.rules import RULES, Violation

log = logging.getLogger(__name__)

REPORT_NAME = "validation_report.json"
FAILURE_REASON_LIMIT = 1024  # SageMaker keeps at most this many characters of FailureReason
ROW_NUMBERING = (
    "row is the line number where the record starts in its file; the header is line 1, so the "
    "first data record of an ordinary file is row 2"
)


@dataclass(frozen=True)
class FileSummary:
    name: str
    path: Path
    bytes: int
    rows: int | None


def locate_rows(violations: Sequence[Violation], files: Sequence[FileSummary]) -> None:
    """Fill in `row` for examples known only by record index (one pass per file, stopping early)."""
    paths = {f.name: f.path for f in files}
    wanted: dict[str, set[int]] = defaultdict(set)
    for violation in violations:
        for example in violation.examples:
            if example.record is not None:
                wanted[example.file].add(example.record)
            first = example.detail.get("first_seen")
            if first and "record" in first:
                wanted[first["file"]].add(first["record"])
    rows = {name: record_rows(paths[name], records) for name, records in wanted.items()}
    for violation in violations:
        for example in violation.examples:
            if example.record is not None:
                example.row = rows[example.file].get(example.record)
            first = example.detail.get("first_seen")
            if first and "record" in first:
                first["row"] = rows[first["file"]].get(first.pop("record"))


def build_report(
    files: Sequence[FileSummary], violations: Sequence[Violation], example_limit: int
) -> dict[str, Any]:
    rows = [f.rows for f in files]
    return {
        "status": "rejected" if violations else "accepted",
        "files": [{"name": f.name, "bytes": f.bytes, "rows": f.rows} for f in files],
        "rows": sum(r for r in rows if r is not None),
        "rules_broken": sorted({v.rule for v in violations}),
        "errors": [v.to_json() for v in violations],
        "example_limit": example_limit,
        "row_numbering": ROW_NUMBERING,
        "rule_catalogue": {rule.id: rule.description for rule in RULES.values()},
    }


def write_report(output_dir: Path, report: dict[str, Any]) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / REPORT_NAME
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def failure_summary(report: dict[str, Any]) -> str:
    """One paragraph naming every broken rule, short enough for SageMaker's FailureReason."""
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for error in report["errors"]:
        by_rule[error["rule"]].append(error)
    parts = []
    for rule, errors in by_rule.items():
        columns = [e["column"] for e in errors if e["column"]]
        where = f" in {', '.join(columns)}" if columns else ""
        count = sum(e["count"] for e in errors)
        example = next((e["examples"][0] for e in errors if e["examples"]), None)
        at = ""
        if example:
            row = f" row {example['row']}" if example.get("row") else ""
            at = f", e.g. {example['file']}{row}: {str(example['value'])[:40]!r}"
        parts.append(f"{rule}{where} ({count}{at})")
    text = (
        f"Raw data rejected: {len(by_rule)} rule(s) broken in {len(report['files'])} file(s): "
        + "; ".join(parts)
        + f". See {REPORT_NAME}."
    )
    if len(text) > FAILURE_REASON_LIMIT:
        tail = f"... (see {REPORT_NAME})"
        text = text[: FAILURE_REASON_LIMIT - len(tail)] + tail
    return text
