"""SQLite storage of the online and offline stores, with AWS Feature Store semantics.

Online: one row per (feature group, record identifier); a write replaces it only when its event time
is not older than the stored one, so replaying old events never overwrites newer features.
Offline: append-only; every accepted write (and every delete) adds a row, as SageMaker's offline
store does, with `api_invocation_time` and `is_deleted` beside the record.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
CREATE INDEX IF NOT EXISTS offline_by_group ON offline (feature_group, seq);
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

Record = list[dict[str, Any]]


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode; commits are the caller's (the server groups them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
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

    def values(self) -> dict[str, str]:
        return {f["FeatureName"]: f["ValueAsString"] for f in self.record if "ValueAsString" in f}


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def put(
        self,
        feature_group: str,
        record_id: str,
        *,
        event_time: float,
        record: Record,
        online: bool,
        offline: bool,
    ) -> None:
        text = json.dumps(record, separators=(",", ":"))
        if online:
            self.connection.execute(UPSERT_ONLINE, (feature_group, record_id, event_time, text))
        if offline:
            self.connection.execute(
                APPEND_OFFLINE, (feature_group, record_id, event_time, time.time(), 0, text)
            )

    def get(self, feature_group: str, record_id: str) -> Record | None:
        row = self.connection.execute(
            "SELECT record FROM online WHERE feature_group = ? AND record_id = ?",
            (feature_group, record_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def delete(
        self,
        feature_group: str,
        record_id: str,
        *,
        event_time: float,
        tombstone: Record,
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
            text = json.dumps(tombstone, separators=(",", ":"))
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
        yield OfflineRow(group, record_id, event_time, invoked, bool(deleted), json.loads(record))


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
        return {record_id: json.loads(record) for record_id, record in cursor}


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
