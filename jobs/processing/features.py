"""The five features of ARCHITECTURE.md 3.2, computed for all loans at once.

Rows are sorted by (id, loan_date, loan_id); "previous" loans of a row are the rows before it in its
user's run. Counts come from positions, sums from a per-user cumulative sum of the previous amounts
(summed in loan order, like a plain loop would), ages from integer calendar arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from jobs import schema
from jobs.processing.dates import Dates, completed_years
from jobs.processing.validation import ParsedLoans

SENTINEL_ORDINAL = int(schema.JOB_START_SENTINEL.replace("-", ""))


def _concat_dates(parts: Sequence[Dates]) -> Dates:
    return Dates(
        year=np.concatenate([d.year for d in parts]),
        month=np.concatenate([d.month for d in parts]),
        day=np.concatenate([d.day for d in parts]),
        valid=np.concatenate([d.valid for d in parts]),
    )


def _take(dates: Dates, order: np.ndarray) -> Dates:
    return Dates(dates.year[order], dates.month[order], dates.day[order], dates.valid[order])


def compute_features(parts: Sequence[ParsedLoans]) -> pd.DataFrame:
    """One row per loan with the contract columns (`jobs.schema.FEATURE_TABLE_COLUMNS`).

    Expects validated input (every value valid). Rows come out sorted by (id, loan_date, loan_id).
    """
    user_id = np.concatenate([p.user_id for p in parts])
    loan_id = np.concatenate([p.loan_id for p in parts])
    loan_date = _concat_dates([p.loan_date for p in parts])
    order = np.lexsort((loan_id, loan_date.ordinal, user_id))

    user_id, loan_id = user_id[order], loan_id[order]
    loan_date = _take(loan_date, order)
    loan_date_text = pa.concat_arrays([p.loan_date_text for p in parts]).take(pa.array(order))
    birthday = _take(_concat_dates([p.birthday for p in parts]), order)
    job_start = _take(_concat_dates([p.job_start for p in parts]), order)
    job_present = np.concatenate([p.job_start_present for p in parts])[order]
    amount = np.concatenate([p.loan_amount for p in parts])[order]

    n = len(user_id)
    position = np.arange(n)
    first_of_user = np.ones(n, dtype=np.bool_)
    first_of_user[1:] = user_id[1:] != user_id[:-1]
    user_start = np.maximum.accumulate(np.where(first_of_user, position, 0))
    nb_previous = (position - user_start).astype(np.int32)

    previous_amount = np.empty(n, dtype=np.float64)
    previous_amount[0] = 0.0
    previous_amount[1:] = amount[:-1]
    previous_amount[first_of_user] = 0.0
    user_number = np.cumsum(first_of_user)
    previous_sum = pd.Series(previous_amount).groupby(user_number, sort=False).cumsum().to_numpy()
    has_previous = nb_previous > 0
    average = np.divide(previous_sum, nb_previous, out=np.zeros(n), where=has_previous)

    employed = (
        job_present
        & (job_start.ordinal != SENTINEL_ORDINAL)
        & (job_start.ordinal <= loan_date.ordinal)
    )
    owns_car = np.concatenate([p.owns_car for p in parts])[order]
    status = np.concatenate([p.status for p in parts])[order]

    frame = pd.DataFrame(
        {
            schema.RECORD_ID: user_id,
            schema.LOAN_ID: loan_id,
            schema.EVENT_TIME: loan_date_text.to_pandas(),
            "nb_previous_loans": nb_previous,
            "avg_amount_loans_previous": pd.arrays.FloatingArray(average, ~has_previous),
            "age": completed_years(birthday, loan_date),
            "years_on_the_job": pd.arrays.IntegerArray(
                completed_years(job_start, loan_date), ~employed
            ),
            "flag_own_car": owns_car,
            schema.TARGET: status,
        }
    )
    return frame[list(schema.FEATURE_TABLE_COLUMNS)]
