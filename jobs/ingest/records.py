"""Feature rows -> Feature Store records, decided and encoded for many rows at once.

Each user's latest loan (greatest loan_date, then loan_id) goes to both stores; every other loan to
the offline store only. Values become the strings Feature Store expects; nulls are left out of
the record (never written as a fake value); `loan_date` becomes the ISO-8601 event time.

Records are encoded with Arrow's vectorised string kernels straight into the JSON of a
BatchWriteRecord entry, byte for byte what botocore's serialiser writes for the same call (its
`json.dumps` separators, ASCII escapes), so no Python code runs per feature value.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
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
LATEST = "__latest__"  # the column of FeatureRecords.table that says "to both stores"
# A value that json.dumps (ensure_ascii, botocore's default) would escape: quote, backslash, and
# anything outside printable ASCII (control characters, DEL, non-ASCII).
NEEDS_ESCAPING = r'["\\]|[^\x20-\x7e]'


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


def feature_strings(column: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """The ValueAsString of every row (null stays null); the event time in ISO-8601."""
    if name == schema.EVENT_TIME:
        return pc.binary_join_element_wise(column, schema.event_time_string(""), "")
    return pc.cast(column, pa.string())


def feature_values(values: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """`{"FeatureName": name, "ValueAsString": value}` as `json.dumps` writes it; null for null."""
    prefix = f'{{"FeatureName": {json.dumps(name)}, "ValueAsString": '
    if (
        pa.types.is_string(values.type)
        and pc.any(pc.match_substring_regex(values, NEEDS_ESCAPING)).as_py()
    ):
        return pa.chunked_array(
            [
                pa.array(
                    [
                        None if v is None else f"{prefix}{json.dumps(v)}}}"
                        for v in values.to_pylist()
                    ],
                    pa.string(),
                )
            ]
        )
    return pc.binary_join_element_wise(f'{prefix}"', values, '"}', "")


def encode_entries(table: pa.Table, feature_group: str) -> list[str]:
    """The JSON of one BatchWriteRecord entry per row of a FeatureRecords table.

    `{"FeatureGroupName": .., "Record": [{"FeatureName": .., "ValueAsString": ..}, ..],
    "TargetStores": [..]}`; a null feature is left out of its record.
    """
    features = [
        feature_values(feature_strings(table.column(name), name), name)
        for name in table.column_names
        if name != LATEST
    ]
    record = pc.binary_join_element_wise(*features, ", ", null_handling="skip")
    stores = pc.if_else(table.column(LATEST), json.dumps(BOTH_STORES), json.dumps(OFFLINE_ONLY))
    entries = pc.binary_join_element_wise(
        f'{{"FeatureGroupName": {json.dumps(feature_group)}, "Record": [',
        record,
        '], "TargetStores": ',
        stores,
        "}",
        "",
    )
    return entries.to_pylist()


def failed_record(
    entry: Mapping[str, Any], code: str, message: str, attempts: int | None
) -> dict[str, Any]:
    """A line of the failure report: who the entry was, where it was going, and why it failed."""
    values = {f["FeatureName"]: f.get("ValueAsString") for f in entry.get("Record", [])}
    return {
        **{
            name: values.get(name) for name in (schema.RECORD_ID, schema.LOAN_ID, schema.EVENT_TIME)
        },
        "target_stores": list(entry.get("TargetStores", [])),
        "error_code": code,
        "message": message[:500],
        "attempts": attempts,
    }


@dataclass(frozen=True)
class FeatureRecords:
    """The feature table plus a `LATEST` column: what to write, not yet encoded.

    Encoding happens a block at a time (`entries(start, stop)`), so memory stays bounded
    whatever the file size.
    """

    table: pa.Table

    @classmethod
    def from_features(cls, table: pa.Table) -> FeatureRecords:
        return cls(table.append_column(LATEST, pa.array(latest_loan_mask(table))))

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def online(self) -> int:
        return int(pc.sum(self.table.column(LATEST)).as_py() or 0)

    def entries(self, feature_group: str, start: int = 0, stop: int | None = None) -> list[str]:
        stop = len(self) if stop is None else stop
        return encode_entries(self.table.slice(start, stop - start), feature_group)

    def split(self, parts: int) -> list[FeatureRecords]:
        """Contiguous shards, each a copy (a pickled slice would carry the whole table)."""
        bounds = np.linspace(0, len(self), parts + 1).astype(int).tolist()
        return [
            FeatureRecords(self.table.take(pa.array(np.arange(start, stop))))
            for start, stop in itertools.pairwise(bounds)
            if stop > start
        ]
