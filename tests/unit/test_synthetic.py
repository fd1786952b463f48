"""The generator must produce the real file's shape and a learnable, known signal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from jobs.schema import JOB_START_SENTINEL, RAW_COLUMNS
from mlops import synthetic
from mlops.cli import main


@pytest.fixture(scope="module")
def dataset() -> synthetic.Dataset:
    return synthetic.generate(users=1500, seed=7)


def test_generate_has_the_24_raw_columns_in_file_order_as_text(dataset):
    assert tuple(dataset.raw.columns) == RAW_COLUMNS
    assert all(isinstance(dtype, pd.StringDtype) for dtype in dataset.raw.dtypes)


def test_generate_matches_the_real_ranges(dataset):
    raw = dataset.raw
    ids = raw["id"].astype(int)
    assert ids.between(synthetic.FIRST_USER_ID, synthetic.LAST_USER_ID).all()
    assert ids.nunique() == 1500
    loans_per_user = raw.groupby("id").size()
    assert loans_per_user.min() >= 1
    assert loans_per_user.max() <= synthetic.MAX_LOANS_PER_USER
    assert 18 < loans_per_user.mean() < 25
    loan_dates = pd.to_datetime(raw["loan_date"], format="%Y-%m-%d")
    assert loan_dates.min() >= pd.Timestamp("2019-01-01")
    assert loan_dates.max() <= pd.Timestamp("2020-12-30")
    amounts = raw["loan_amount"].astype(float)
    assert amounts.min() >= 100
    assert amounts.max() <= 820
    assert 110 < amounts.median() < 126
    assert raw["loan_id"].is_unique
    assert set(raw["flag_own_car"]) == {"Y", "N"}
    assert set(raw["status"]) == {"0", "1"}


def test_generate_has_the_real_quirks(dataset):
    raw = dataset.raw
    sentinel_share = (raw["job_start_date"] == JOB_START_SENTINEL).mean()
    assert 0.10 < sentinel_share < 0.22
    assert (raw["occupation_type"] == "").mean() > 0.1
    same_day = raw.duplicated(["id", "loan_date"], keep=False)
    assert same_day.any()
    assert not raw["loan_date"].is_monotonic_increasing  # unsorted
    per_user = raw.groupby("id")[["birthday", "job_start_date", "flag_own_car"]].nunique()
    assert (per_user == 1).all().all()  # person-level attributes are constant per user


def test_generate_plants_a_learnable_signal_at_the_real_positive_rate(dataset):
    assert 0.010 < dataset.positive_rate < 0.020
    truth = dataset.truth.set_index("loan_id")["p_default"]
    p = truth.loc[dataset.raw["loan_id"].astype(int)].to_numpy()
    assert np.all((p > 0) & (p < 1))
    oracle_auc = roc_auc_score(dataset.raw["status"].astype(int), p)
    assert oracle_auc > 0.7


def test_generate_is_deterministic_for_a_seed():
    first = synthetic.generate(users=50, seed=3)
    again = synthetic.generate(users=50, seed=3)
    other = synthetic.generate(users=50, seed=4)
    pd.testing.assert_frame_equal(first.raw, again.raw)
    assert not first.raw.equals(other.raw)


def test_generate_rejects_impossible_user_counts():
    with pytest.raises(ValueError, match="users must be between"):
        synthetic.generate(users=0)


def test_generate_command_writes_csv_and_truth(tmp_path):
    out, truth = tmp_path / "loans.csv", tmp_path / "truth.csv"
    assert (
        main(["generate", "--users", "20", "--seed", "1", "--out", str(out), "--truth", str(truth)])
        == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(RAW_COLUMNS)
    assert all(line.count(",") == 23 for line in lines)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    truth_frame = pd.read_csv(truth)
    assert sorted(truth_frame["loan_id"]) == sorted(frame["loan_id"].astype(int))
