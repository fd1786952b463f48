"""Reading the processing job's feature table: its contract is checked, types are normalised."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from jobs.schema import FEATURE_TABLE_COLUMNS
from jobs.training.data import TrainingDataError, check_features, load_features
from tests.fixtures.training import write_feature_parquet


def test_load_features_reads_every_parquet_part_sorted_by_date_and_loan(feature_frame, tmp_path):
    write_feature_parquet(feature_frame, tmp_path / "features", files=3)
    frame = load_features(tmp_path)  # parts found below the channel folder too
    assert len(frame) == len(feature_frame)
    assert list(frame.columns) == list(FEATURE_TABLE_COLUMNS)
    assert frame["loan_date"].is_monotonic_increasing
    assert (
        frame["avg_amount_loans_previous"].isna().sum()
        == feature_frame["avg_amount_loans_previous"].isna().sum()
    )
    assert frame["status"].sum() == feature_frame["status"].sum()


def test_load_features_fails_clearly_without_parquet(tmp_path):
    with pytest.raises(TrainingDataError, match="no parquet files under"):
        load_features(tmp_path)


def test_check_features_accepts_dates_and_nullable_integers(feature_frame):
    frame = feature_frame.head(20).copy()
    frame["loan_date"] = pd.to_datetime(frame["loan_date"]).dt.date
    frame["years_on_the_job"] = frame["years_on_the_job"].astype("Int64")
    checked = check_features(frame)
    assert checked["loan_date"].dtype == "datetime64[ns]" or str(
        checked["loan_date"].dtype
    ).startswith("datetime64")
    assert checked["years_on_the_job"].dtype == np.float64
    assert checked["years_on_the_job"].isna().sum() == frame["years_on_the_job"].isna().sum()
    assert isinstance(checked["loan_date"].iloc[0], pd.Timestamp)
    assert checked["loan_date"].min().date() >= dt.date(2019, 1, 1)


def test_check_features_names_missing_columns(feature_frame):
    with pytest.raises(TrainingDataError, match=r"lacks column\(s\) \['age'\]"):
        check_features(feature_frame.drop(columns="age"))


def test_check_features_refuses_nulls_in_a_feature_that_is_never_null(feature_frame):
    frame = feature_frame.head(10).copy()
    frame["age"] = frame["age"].astype(float)
    frame.iloc[3, frame.columns.get_loc("age")] = np.nan
    with pytest.raises(TrainingDataError, match="feature age has 1 null value"):
        check_features(frame)


def test_check_features_refuses_labels_other_than_zero_and_one(feature_frame):
    frame = feature_frame.head(10).copy()
    frame["status"] = frame["status"].astype(object)
    frame.iloc[2, frame.columns.get_loc("status")] = "yes"
    with pytest.raises(TrainingDataError, match="status must be 0 or 1; 1 row"):
        check_features(frame)


def test_check_features_refuses_non_numeric_features(feature_frame):
    frame = feature_frame.head(10).astype({"age": object})
    frame.iloc[0, frame.columns.get_loc("age")] = "forty"
    with pytest.raises(TrainingDataError, match="feature age has non-numeric values"):
        check_features(frame)


def test_check_features_refuses_bad_dates(feature_frame):
    frame = feature_frame.head(10).copy()
    frame.iloc[0, frame.columns.get_loc("loan_date")] = "2020-02-30"
    with pytest.raises(TrainingDataError, match="loan_date has values that are not dates"):
        check_features(frame)
