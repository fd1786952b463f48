"""The store's bulk write path against a plain model of Feature Store's semantics."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from local_stack.featurestore_runtime.store import Store, Values, Write, connect, offline_rows_json

GROUP = "g"


@contextmanager
def memory_store() -> Iterator[Store]:
    with closing(connect(Path(":memory:"))) as connection:
        yield Store(connection)


def online_state(store: Store, record_ids: Sequence[str]) -> dict[str, Values]:
    return {rid: v for rid in record_ids if (v := store.get(GROUP, rid)) is not None}


def offline_state(store: Store) -> list[tuple[Any, ...]]:
    """Offline rows without the write time (the one thing that differs between two runs)."""
    return [
        (row["RecordIdentifierValueAsString"], row["EventTime"], row["IsDeleted"], row["Record"])
        for row in offline_rows_json(store, GROUP)
    ]


def reference(writes: Sequence[Write]) -> tuple[dict[str, Values], list[tuple[Any, ...]]]:
    """Feature Store, one write after the other: a newer or equal event time wins online."""
    online: dict[str, tuple[float, Values]] = {}
    offline: list[tuple[Any, ...]] = []
    for write in writes:
        stored = online.get(write.record_id)
        if write.online and (stored is None or write.event_time >= stored[0]):
            online[write.record_id] = (write.event_time, write.values)
        if write.offline:
            record = [{"FeatureName": k, "ValueAsString": v} for k, v in write.values.items()]
            offline.append((write.record_id, write.event_time, False, record))
    return {rid: values for rid, (_, values) in online.items()}, offline


RECORD_IDS = ("1", "2", "3")
writes_strategy = st.lists(
    st.builds(
        lambda rid, day, extra, online, offline: Write(
            GROUP,
            rid,
            float(day * 86400),
            {"id": rid, "day": str(day), **extra},
            online,
            offline,
        ),
        st.sampled_from(RECORD_IDS),
        st.integers(0, 3),  # few event times: ties are common
        st.dictionaries(st.sampled_from(["a", "b"]), st.text(max_size=3), max_size=2),
        st.booleans(),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(writes=writes_strategy, batch_size=st.integers(1, 25))
def test_put_in_batches_equals_one_write_at_a_time(writes: list[Write], batch_size: int) -> None:
    with memory_store() as bulk, memory_store() as single:
        for start in range(0, len(writes), batch_size):
            bulk.put(writes[start : start + batch_size])
        for write in writes:
            single.put([write])
        bulk.commit()
        single.commit()

        expected_online, expected_offline = reference(writes)
        assert online_state(bulk, RECORD_IDS) == expected_online
        assert online_state(single, RECORD_IDS) == expected_online
        assert offline_state(bulk) == expected_offline
        assert offline_state(single) == expected_offline


def test_put_stages_a_batch_all_or_nothing() -> None:
    good = Write(GROUP, "1", 0.0, {"id": "1"}, True, True)
    bad = Write(GROUP, None, 0.0, {"id": "2"}, True, True)  # type: ignore[arg-type]
    with memory_store() as store:
        store.put([good])

        with pytest.raises(sqlite3.IntegrityError):
            store.put([Write(GROUP, "3", 0.0, {"id": "3"}, True, True), bad])
        store.commit()

        assert online_state(store, ["1", "3"]) == {"1": {"id": "1"}}
        assert [row[0] for row in offline_state(store)] == ["1"]


def test_get_reads_records_stored_as_feature_value_lists(tmp_path: Path) -> None:
    """Databases written before records were stored by name still read back."""
    with closing(connect(tmp_path / "old.db")) as connection:
        connection.execute(
            "INSERT INTO online VALUES (?, ?, ?, ?)",
            (GROUP, "1", 0.0, '[{"FeatureName":"id","ValueAsString":"1"}]'),
        )
        assert Store(connection).get(GROUP, "1") == {"id": "1"}
