"""Feature rows -> Feature Store records, decided for the whole table at once.

Each user's latest loan (greatest loan_date, then loan_id) goes to both stores; every other loan to
the offline store only. Values become the strings Feature Store expects; nulls are left out of
the record (never written as a fake value); `loan_date` becomes the ISO-8601 event time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from jobs import schema

BOTH_STORES: tuple[str, ...] = ("OnlineStore", "OfflineStore")
OFFLINE_ONLY: tuple[str, ...] = ("OfflineStore",)


def read_features(input_dir: Path) -> pa.Table:
    """Every parquet file under the input dir (the processing job's `features/` or its parent)."""
    files = sorted(str(p) for p in input_dir.rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no *.parquet file under {input_dir}")
    table = ds.dataset(files, format="parquet").to_table()
    missing = set(schema.FEATURE_TABLE_COLUMNS) - set(table.column_names)
    if missing:
        raise ValueError(f"the features lack the contract columns {sorted(missing)}")
    return table.select(list(schema.FEATURE_TABLE_COLUMNS))


def latest_loan_mask(table: pa.Table) -> npt.NDArray[np.bool_]:
    """True on each user's latest loan by (loan_date, loan_id)."""
    keys = table.select([schema.RECORD_ID, schema.EVENT_TIME, schema.LOAN_ID])
    order = np.asarray(
        pc.sort_indices(keys, sort_keys=[(k, "descending") for k in keys.column_names])
    )
    users = np.asarray(table.column(schema.RECORD_ID))[order]
    first = np.ones(len(order), dtype=np.bool_)
    first[1:] = users[1:] != users[:-1]
    latest = np.zeros(len(order), dtype=np.bool_)
    latest[order[first]] = True
    return latest


@dataclass(frozen=True)
class RecordBatch:
    """Columns already converted to strings (None for null), ready to become records."""

    names: tuple[str, ...]
    columns: tuple[list[str | None], ...]
    latest: list[bool]

    def __len__(self) -> int:
        return len(self.latest)

    def record(self, i: int) -> list[dict[str, str]]:
        return [
            {"FeatureName": name, "ValueAsString": column[i]}  # type: ignore[dict-item]
            for name, column in zip(self.names, self.columns, strict=True)
            if column[i] is not None
        ]

    def target_stores(self, i: int) -> Sequence[str]:
        return BOTH_STORES if self.latest[i] else OFFLINE_ONLY

    def identity(self, i: int) -> dict[str, Any]:
        index = {name: k for k, name in enumerate(self.names)}
        return {
            name: self.columns[index[name]][i]
            for name in (schema.RECORD_ID, schema.LOAN_ID, schema.EVENT_TIME)
        }

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self)))

    def split(self, parts: int) -> list[RecordBatch]:
        bounds = np.linspace(0, len(self), parts + 1).astype(int)
        return [
            RecordBatch(
                self.names, tuple(c[start:stop] for c in self.columns), self.latest[start:stop]
            )
            for start, stop in itertools.pairwise(bounds.tolist())
            if stop > start
        ]


def to_strings(column: pa.ChunkedArray, name: str) -> list[str | None]:
    if name == schema.EVENT_TIME:
        return [schema.event_time_string(day) for day in column.to_pylist()]
    return pc.cast(column, pa.string()).to_pylist()


def record_batch(table: pa.Table, latest: npt.NDArray[np.bool_]) -> RecordBatch:
    names = tuple(table.column_names)
    columns = tuple(to_strings(table.column(name), name) for name in names)
    return RecordBatch(names, columns, latest.tolist())
