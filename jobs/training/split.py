"""Time-ordered splits: the later slice of loan dates is held out, never shuffled in.

A cut falls between two loan dates, so no date is on both sides: the model is judged on loans
made after every loan it learned from, as it will be in production.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jobs.schema import EVENT_TIME, TARGET


@dataclass(frozen=True)
class TimeSplit:
    earlier: pd.DataFrame
    later: pd.DataFrame
    cut: pd.Timestamp  # first loan date of `later`


def split_by_time(frame: pd.DataFrame, later_fraction: float, what: str) -> TimeSplit:
    """Split a frame sorted by loan date so `later` holds about `later_fraction` of the rows.

    `later` starts at the loan date where the latest `later_fraction` of rows begins; both sides
    keep at least one loan date. `what` names the later slice in errors ("holdout", ...).
    """
    if not 0.0 < later_fraction < 1.0:
        raise ValueError(f"the {what} fraction must be between 0 and 1, got {later_fraction}")
    dates = frame[EVENT_TIME]
    distinct = dates.drop_duplicates()
    if len(distinct) < 2:
        raise ValueError(
            f"the {what} split needs loans on at least two dates; all {len(frame)} rows are on "
            f"{', '.join(str(d.date()) for d in distinct) or 'no date'}"
        )
    position = min(max(math.ceil(len(frame) * (1.0 - later_fraction)), 0), len(frame) - 1)
    cut = dates.iloc[position]
    if cut == dates.iloc[0]:
        cut = distinct.iloc[1]  # keep the earliest date on the earlier side
    is_later = dates >= cut
    return TimeSplit(earlier=frame.loc[~is_later], later=frame.loc[is_later], cut=cut)


@dataclass(frozen=True)
class Slices:
    """Train (fits the forest), validation (calibration, threshold), holdout (judges), in time."""

    train: pd.DataFrame
    validation: pd.DataFrame
    holdout: pd.DataFrame

    def periods(self) -> dict[str, dict[str, Any]]:
        return {
            "train": describe_period(self.train),
            "validation": describe_period(self.validation),
            "holdout": describe_period(self.holdout),
        }


def train_validation_holdout(
    frame: pd.DataFrame, holdout_fraction: float, validation_fraction: float
) -> Slices:
    """Hold out the latest `holdout_fraction` of loans, then the latest `validation_fraction` of
    the rest for validation; the earliest loans train."""
    holdout_split = split_by_time(frame, holdout_fraction, "holdout")
    validation_split = split_by_time(holdout_split.earlier, validation_fraction, "validation")
    return Slices(validation_split.earlier, validation_split.later, holdout_split.later)


def describe_period(frame: pd.DataFrame) -> dict[str, Any]:
    """First and last loan date, rows and defaults of a slice (for evaluation.json)."""
    return {
        "start": frame[EVENT_TIME].min().date().isoformat(),
        "end": frame[EVENT_TIME].max().date().isoformat(),
        "rows": len(frame),
        "positives": int(frame[TARGET].sum()),
    }
