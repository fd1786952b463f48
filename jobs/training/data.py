"""Read and check the processing job's feature table (contract 3.2) for training."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from jobs.schema import (
    EVENT_TIME,
    FEATURE_TABLE_COLUMNS,
    FEATURES,
    LOAN_ID,
    NULLABLE_FEATURES,
    TARGET,
)

log = logging.getLogger(__name__)


class TrainingDataError(ValueError):
    """The training input is missing or breaks the feature-table contract."""


def load_features(train_dir: Path) -> pd.DataFrame:
    """All parquet files under `train_dir` (or that one file) as one checked frame.

    The frame has the contract's columns, `loan_date` as a date, the features as float64 (NaN for
    nulls) and `status` as int, sorted by (`loan_date`, `loan_id`).
    """
    files = [train_dir] if train_dir.is_file() else sorted(train_dir.rglob("*.parquet"))
    if not files:
        raise TrainingDataError(f"no parquet files under {train_dir}")
    frame = pd.concat((pd.read_parquet(path) for path in files), ignore_index=True)
    log.info("read %d rows from %d parquet file(s) under %s", len(frame), len(files), train_dir)
    return check_features(frame)


def check_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a feature table against the contract and normalise its types (see load_features)."""
    missing = [name for name in FEATURE_TABLE_COLUMNS if name not in frame.columns]
    if missing:
        raise TrainingDataError(
            f"the feature table lacks column(s) {missing}; expected {list(FEATURE_TABLE_COLUMNS)}"
        )
    if frame.empty:
        raise TrainingDataError("the feature table has no rows")
    table = frame.loc[:, list(FEATURE_TABLE_COLUMNS)].copy()
    table[EVENT_TIME] = _as_dates(table[EVENT_TIME])
    for name in FEATURES:
        table[name] = _as_float(table[name], name)
        nulls = int(table[name].isna().sum())
        if nulls and name not in NULLABLE_FEATURES:
            raise TrainingDataError(f"feature {name} has {nulls} null value(s); it is never null")
    labels = pd.to_numeric(table[TARGET], errors="coerce")
    bad_labels = ~labels.isin([0, 1])
    if bad_labels.any():
        examples = table.loc[bad_labels, TARGET].head(5).tolist()
        raise TrainingDataError(
            f"{TARGET} must be 0 or 1; {int(bad_labels.sum())} row(s) are not, e.g. {examples}"
        )
    table[TARGET] = labels.astype(np.int8)
    return table.sort_values([EVENT_TIME, LOAN_ID], kind="stable", ignore_index=True)


def _as_dates(values: pd.Series) -> pd.Series:
    try:
        dates = pd.to_datetime(values, format="ISO8601")
    except (ValueError, TypeError) as error:
        raise TrainingDataError(f"{EVENT_TIME} has values that are not dates: {error}") from None
    if dates.isna().any():
        raise TrainingDataError(f"{EVENT_TIME} has {int(dates.isna().sum())} null value(s)")
    if dates.dt.tz is not None:
        dates = dates.dt.tz_convert(None)
    return dates.dt.normalize()


def _as_float(values: pd.Series, name: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    not_numeric = numbers.isna() & values.notna()
    if not_numeric.any():
        examples = values[not_numeric].head(5).tolist()
        raise TrainingDataError(f"feature {name} has non-numeric values, e.g. {examples}")
    return pd.Series(
        numbers.to_numpy(dtype=np.float64, na_value=np.nan), index=values.index, name=name
    )
