"""The five features of ARCHITECTURE.md 3.2, computed for all loans at once.

"Previous" loans of a row are those before it when the user's loans are ordered by
(loan_date, loan_id). Counts come from positions in that order, sums from a per-user cumulative sum
of the previous amounts (added in loan order, as a plain loop would), ages from integer calendar
arithmetic. Rows come out in input order (files in name order, then file order).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def loan_order(
    user_id: npt.NDArray[np.int64], loan_date: npt.NDArray[np.int32], loan_id: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Row indexes sorted by (id, loan_date, loan_id); Arrow's multi-key sort beats np.lexsort."""
    keys = pa.table({"id": user_id, "date": loan_date, "loan": loan_id})
    indexes = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in keys.column_names])
    return np.asarray(indexes, dtype=np.int64)


def history_features(
    user_id: npt.NDArray[np.int64],
    loan_date: npt.NDArray[np.int32],
    loan_id: npt.NDArray[np.int64],
    amount: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """nb_previous_loans and the sum of previous amounts, per row, in input order."""
    order = loan_order(user_id, loan_date, loan_id)
    users = user_id[order]
    n = len(order)
    position = np.arange(n)
    first_of_user = np.ones(n, dtype=np.bool_)
    first_of_user[1:] = users[1:] != users[:-1]
    user_start = np.maximum.accumulate(np.where(first_of_user, position, 0))

    previous_amount = np.empty(n, dtype=np.float64)
    previous_amount[0] = 0.0
    previous_amount[1:] = amount[order][:-1]
    previous_amount[first_of_user] = 0.0
    user_number = np.cumsum(first_of_user)
    previous_sum = pd.Series(previous_amount).groupby(user_number, sort=False).cumsum()

    nb_previous = np.empty(n, dtype=np.int32)
    nb_previous[order] = position - user_start
    total = np.empty(n, dtype=np.float64)
    total[order] = previous_sum.to_numpy()
    return nb_previous, total


def compute_features(parts: Sequence[ParsedLoans]) -> pd.DataFrame:
    """One row per loan with the contract columns (`jobs.schema.FEATURE_TABLE_COLUMNS`).

    Expects validated input (every value valid).
    """
    user_id = np.concatenate([p.user_id for p in parts])
    loan_id = np.concatenate([p.loan_id for p in parts])
    loan_date = _concat_dates([p.loan_date for p in parts])
    birthday = _concat_dates([p.birthday for p in parts])
    job_start = _concat_dates([p.job_start for p in parts])
    job_present = np.concatenate([p.job_start_present for p in parts])
    amount = np.concatenate([p.loan_amount for p in parts])

    nb_previous, previous_sum = history_features(user_id, loan_date.ordinal, loan_id, amount)
    has_previous = nb_previous > 0
    average = np.divide(previous_sum, nb_previous, out=np.zeros(len(amount)), where=has_previous)
    employed = (
        job_present
        & (job_start.ordinal != SENTINEL_ORDINAL)
        & (job_start.ordinal <= loan_date.ordinal)
    )
    loan_date_text = pa.chunked_array([p.loan_date_text for p in parts], type=pa.string())

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
            "flag_own_car": np.concatenate([p.owns_car for p in parts]),
            schema.TARGET: np.concatenate([p.status for p in parts]),
        }
    )
    return frame[list(schema.FEATURE_TABLE_COLUMNS)]
