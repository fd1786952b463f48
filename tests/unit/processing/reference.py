"""A deliberately simple, per-user loop implementation of the features (ARCHITECTURE.md 3.2).

Written for clarity, not speed: the vectorised job must produce exactly what this produces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from jobs.schema import JOB_START_SENTINEL


def anniversary(start: date, year: int) -> date:
    """The day `start` comes round in `year`; 29 February comes round on 1 March in common years."""
    try:
        return start.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def completed_years(start: date, end: date) -> int:
    years = end.year - start.year
    if end < anniversary(start, end.year):
        years -= 1
    return years


def years_on_the_job(job_start_date: str, loan_date: date) -> int | None:
    if job_start_date in ("", JOB_START_SENTINEL):
        return None
    start = date.fromisoformat(job_start_date)
    if start > loan_date:
        return None
    return completed_years(start, loan_date)


def reference_features(rows: Iterable[Mapping[str, str]]) -> list[dict[str, Any]]:
    loans_by_user: dict[int, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        loans_by_user[int(row["id"])].append(row)

    result = []
    for user in sorted(loans_by_user):
        loans = sorted(
            loans_by_user[user],
            key=lambda loan: (date.fromisoformat(loan["loan_date"]), int(loan["loan_id"])),
        )
        for i, loan in enumerate(loans):
            previous_amounts = [float(earlier["loan_amount"]) for earlier in loans[:i]]
            loan_date = date.fromisoformat(loan["loan_date"])
            result.append(
                {
                    "id": user,
                    "loan_id": int(loan["loan_id"]),
                    "loan_date": loan["loan_date"],
                    "nb_previous_loans": len(previous_amounts),
                    "avg_amount_loans_previous": (
                        sum(previous_amounts) / len(previous_amounts) if previous_amounts else None
                    ),
                    "age": completed_years(date.fromisoformat(loan["birthday"]), loan_date),
                    "years_on_the_job": years_on_the_job(loan["job_start_date"], loan_date),
                    "flag_own_car": 1 if loan["flag_own_car"] == "Y" else 0,
                    "status": int(loan["status"]),
                }
            )
    return result
