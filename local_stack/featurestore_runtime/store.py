"""SQLite storage of the online and offline stores, with AWS Feature Store semantics.

Online: one row per (feature group, record identifier); a write replaces it only when its event time
is not older than the stored one, so replaying old events never overwrites newer features.
Offline: append-only; every accepted write (and every delete) adds a row, as SageMaker's offline
store does, with `api_invocation_time` and `is_deleted` beside the record.
A record is stored as one JSON object of its values by feature name (compact: fewer pages to
write than the FeatureValue list) and read back as a `Record`. Writes are staged in the
connection's open transaction, a request's writes all or none (a savepoint around two
`executemany`), and committed by the caller (the server groups commits).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

import msgspec

SCHEMA = """
CREATE TABLE IF NOT EXISTS online (
    feature_group TEXT NOT NULL,
    record_id TEXT NOT NULL,
    event_time REAL NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (feature_group, record_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS offline (
    seq INTEGER PRIMARY KEY,
    feature_group TEXT NOT NULL,
    record_id TEXT NOT NULL,
    event_time REAL NOT NULL,
    api_invocation_time REAL NOT NULL,
    is_deleted INTEGER NOT NULL,
    record TEXT NOT NULL
);
"""

UPSERT_ONLINE = """
INSERT INTO online (feature_group, record_id, event_time, record) VALUES (?, ?, ?, ?)
ON CONFLICT (feature_group, record_id) DO UPDATE
SET event_time = excluded.event_time, record = excluded.record
WHERE excluded.event_time >= online.event_time
"""
APPEND_OFFLINE = """
INSERT INTO offline (feature_group, record_id, event_time, api_invocation_time, is_deleted, record)
VALUES (?, ?, ?, ?, ?, ?)
"""

Record = list[dict[str, Any]]  # FeatureValue objects, as the API reads and writes them
Values = dict[str, str]  # the same record by feature name, as it is stored
CACHE_KIB = 64 * 1024  # page cache: the online table's pages are updated at random


class Write(NamedTuple):
    """One validated record write; `event_time` in seconds since the epoch."""

    feature_group: str
    record_id: str
    event_time: float
    values: Values
    online: bool
    offline: bool


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode; commits are the caller's (the server groups them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    connection.executescript(SCHEMA)
    connection.commit()
    return connection


@dataclass(frozen=True)
class OfflineRow:
    feature_group: str
    record_id: str
    event_time: float
    api_invocation_time: float
    is_deleted: bool
    record: Record

    def values(self) -> Values:
        return {f["FeatureName"]: f["ValueAsString"] for f in self.record if "ValueAsString" in f}


def as_record(values: Values) -> Record:
    return [{"FeatureName": name, "ValueAsString": value} for name, value in values.items()]


def _values(text: str | bytes) -> Values:
    """A stored record; files written before records were stored by name hold the list."""
    stored = json.loads(text)
    if isinstance(stored, list):
        return {f["FeatureName"]: f["ValueAsString"] for f in stored if "ValueAsString" in f}
    return cast(Values, stored)


_encode = msgspec.json.Encoder().encode


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def put(self, writes: Sequence[Write]) -> None:
        """Stage writes in the open transaction: all of them, or none if one fails."""
        online, offline = [], []
        invoked = time.time()
        for write in writes:
            text = _encode(write.values).decode()
            if write.online:
                online.append((write.feature_group, write.record_id, write.event_time, text))
            if write.offline:
                offline.append(
                    (write.feature_group, write.record_id, write.event_time, invoked, 0, text)
                )
        connection = self.connection
        if not connection.in_transaction:
            connection.execute("BEGIN")
        connection.execute("SAVEPOINT put")
        try:
            connection.executemany(UPSERT_ONLINE, online)
            connection.executemany(APPEND_OFFLINE, offline)
        except BaseException:
            connection.execute("ROLLBACK TO put")
            raise
        finally:
            connection.execute("RELEASE put")

    def get(self, feature_group: str, record_id: str) -> Values | None:
        row = self.connection.execute(
            "SELECT record FROM online WHERE feature_group = ? AND record_id = ?",
            (feature_group, record_id),
        ).fetchone()
        return _values(row[0]) if row else None

    def delete(
        self,
        feature_group: str,
        record_id: str,
        *,
        event_time: float,
        tombstone: Values,
        online: bool,
        offline: bool,
    ) -> None:
        """Remove the online record unless it is newer than the delete; log the delete offline."""
        if online:
            self.connection.execute(
                "DELETE FROM online WHERE feature_group = ? AND record_id = ? AND event_time <= ?",
                (feature_group, record_id, event_time),
            )
        if offline:
            text = _encode(tombstone).decode()
            self.connection.execute(
                APPEND_OFFLINE, (feature_group, record_id, event_time, time.time(), 1, text)
            )

    def commit(self) -> None:
        self.connection.commit()


def _offline_rows(connection: sqlite3.Connection, feature_group: str) -> Iterator[OfflineRow]:
    cursor = connection.execute(
        "SELECT feature_group, record_id, event_time, api_invocation_time, is_deleted, record "
        "FROM offline WHERE feature_group = ? ORDER BY seq",
        (feature_group,),
    )
    for group, record_id, event_time, invoked, deleted, record in cursor:
        yield OfflineRow(
            group, record_id, event_time, invoked, bool(deleted), as_record(_values(record))
        )


def read_offline_rows(db_path: Path, feature_group: str) -> list[OfflineRow]:
    """Every offline row of a group, in write order, read straight from the database file."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        return list(_offline_rows(connection, feature_group))


def read_online_records(db_path: Path, feature_group: str) -> dict[str, Record]:
    """The online store of a group (record identifier -> record), from the database file."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        cursor = connection.execute(
            "SELECT record_id, record FROM online WHERE feature_group = ?", (feature_group,)
        )
        return {record_id: as_record(_values(record)) for record_id, record in cursor}


def count_records(db_path: Path, feature_group: str) -> tuple[int, int]:
    """(online records, offline rows) of a group, counted in the database file."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        online = connection.execute(
            "SELECT COUNT(*) FROM online WHERE feature_group = ?", (feature_group,)
        ).fetchone()[0]
        offline = connection.execute(
            "SELECT COUNT(*) FROM offline WHERE feature_group = ?", (feature_group,)
        ).fetchone()[0]
    return int(online), int(offline)


def offline_rows_json(store: Store, feature_group: str) -> Sequence[dict[str, Any]]:
    return [
        {
            "RecordIdentifierValueAsString": row.record_id,
            "EventTime": row.event_time,
            "ApiInvocationTime": row.api_invocation_time,
            "IsDeleted": row.is_deleted,
            "Record": row.record,
        }
        for row in _offline_rows(store.connection, feature_group)
    ]
