"""Time-ordered splits: the later slice holds the latest loan dates; no date is on both sides."""

from __future__ import annotations

import pandas as pd
import pytest

from jobs.training.split import describe_period, split_by_time


def frame_on(dates: list[str], statuses: list[int] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "loan_date": pd.to_datetime(dates),
            "status": statuses if statuses is not None else [0] * len(dates),
        }
    )


def test_split_by_time_puts_the_latest_dates_later_and_no_date_on_both_sides(feature_frame):
    frame = feature_frame.assign(loan_date=pd.to_datetime(feature_frame["loan_date"]))
    frame = frame.sort_values(["loan_date", "loan_id"], ignore_index=True)
    split = split_by_time(frame, 0.2, "holdout")
    assert split.earlier["loan_date"].max() < split.later["loan_date"].min() == split.cut
    assert len(split.earlier) + len(split.later) == len(frame)
    assert 0.17 < len(split.later) / len(frame) < 0.23
    assert set(split.earlier["loan_id"]).isdisjoint(split.later["loan_id"])


def test_split_by_time_keeps_a_whole_date_together():
    frame = frame_on(["2020-01-01"] * 2 + ["2020-01-02"] * 6 + ["2020-01-03"] * 2)
    split = split_by_time(frame, 0.5, "holdout")
    # The 50 % position falls inside 2020-01-02: the whole day goes later.
    assert split.cut == pd.Timestamp("2020-01-02")
    assert len(split.earlier) == 2
    assert len(split.later) == 8


def test_split_by_time_keeps_the_earliest_date_on_the_earlier_side():
    frame = frame_on(["2020-01-01"] * 9 + ["2020-01-02"])
    split = split_by_time(frame, 0.95, "holdout")
    assert len(split.earlier) == 9
    assert split.later["loan_date"].unique().tolist() == [pd.Timestamp("2020-01-02")]


def test_split_by_time_needs_two_dates():
    with pytest.raises(ValueError, match="validation split needs loans on at least two dates"):
        split_by_time(frame_on(["2020-01-01"] * 3), 0.2, "validation")


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_split_by_time_rejects_fractions_outside_zero_and_one(fraction):
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_by_time(frame_on(["2020-01-01", "2020-01-02"]), fraction, "holdout")


def test_describe_period_reports_dates_rows_and_defaults():
    period = describe_period(frame_on(["2020-01-03", "2020-02-01", "2020-01-05"], [1, 0, 1]))
    assert period == {"start": "2020-01-03", "end": "2020-02-01", "rows": 3, "positives": 2}
