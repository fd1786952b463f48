"""The HTTP side: the `sagemaker-featurestore-runtime` REST-JSON wire protocol on aiohttp.

Routes and shapes follow botocore's service model (2020-07-01):
PutRecord `PUT /FeatureGroup/{name}`, GetRecord `GET /FeatureGroup/{name}`,
DeleteRecord `DELETE /FeatureGroup/{name}`, BatchGetRecord `POST /BatchGetRecord`,
BatchWriteRecord `POST /BatchWriteRecord`.
Errors carry `x-amzn-ErrorType` and `{"message"}` as AWS sends them, so botocore raises the
modelled exceptions. Admin routes for tests and the local stack live under `/_local/`.
Writes are committed in groups: a write is acknowledged only after its group commit.
The BatchWriteRecord path does little per record: msgspec decodes the body into typed shapes,
one validation pass per record, the batch's writes staged with two `executemany`, a fixed answer
when every entry was written.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from aiohttp import web

from local_stack.featurestore_runtime.definitions import (
    Catalogue,
    FeatureGroup,
    UnknownFeatureGroupError,
)
from local_stack.featurestore_runtime.records import (
    RecordValidationError,
    WriteEntry,
    decode_batch_write_record,
    decode_put_record,
    parse_event_time,
    prepare_write,
    select_features,
    target_stores,
)
from local_stack.featurestore_runtime.store import Store, offline_rows_json

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
ALL_WRITTEN = msgspec.json.encode({"Errors": [], "UnprocessedEntries": []})


class AwsError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def aws_error_response(status: int, code: str, message: str) -> web.Response:
    return web.Response(
        status=status,
        body=msgspec.json.encode({"message": message}),
        content_type="application/json",
        headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())},
    )


def aws_operation(handler: Handler) -> Handler:
    """Turn domain errors into AWS-shaped error responses; never leak a stack trace."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except AwsError as error:
            return aws_error_response(error.status, error.code, error.message)
        except RecordValidationError as error:
            return aws_error_response(400, "ValidationError", str(error))
        except UnknownFeatureGroupError as error:
            message = (
                f"Resource Not Found: Amazon SageMaker can't find a feature group named {error}"
            )
            return aws_error_response(404, "ResourceNotFound", message)
        except Exception:
            log.exception("internal failure in %s %s", request.method, request.path)
            return aws_error_response(
                500, "InternalFailure", "internal failure, see the server log"
            )

    return wrapped


@dataclass
class FaultPlan:
    """Injected failures for tests: the next `count` calls of `operation` answer with an error."""

    operation: str = ""
    count: int = 0
    status: int = 503
    code: str = "ServiceUnavailable"

    def armed(self, operation: str) -> bool:
        return self.count > 0 and self.operation == operation

    def take(self, operation: str) -> AwsError | None:
        if not self.armed(operation):
            return None
        self.count -= 1
        return AwsError(self.status, self.code, f"injected fault ({self.count} left)")


class GroupCommitter:
    """Commit many writes at once; each writer waits until the commit that includes its write.

    By default the commit runs as soon as the event loop has handled every request that is already
    readable (`call_soon`), so concurrent writers share a commit and a lone writer waits for none.
    """

    def __init__(self, store: Store, max_delay: float = 0.0, max_batch: int = 1024) -> None:
        self._store = store
        self._max_delay = max_delay
        self._max_batch = max_batch
        self._waiters: list[asyncio.Future[None]] = []
        self._scheduled: asyncio.Handle | None = None

    async def committed(self) -> None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        if len(self._waiters) >= self._max_batch:
            self.flush()
        elif self._scheduled is None:
            self._scheduled = (
                loop.call_later(self._max_delay, self.flush)
                if self._max_delay > 0
                else loop.call_soon(self.flush)
            )
        await waiter

    def flush(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        waiters, self._waiters = self._waiters, []
        try:
            self._store.commit()
        except Exception as error:  # the whole group is rolled back: every writer gets a 500
            log.exception("commit of %d writes failed", len(waiters))
            self._store.connection.rollback()
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(error)
            return
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


@dataclass
class Runtime:
    catalogue: Catalogue
    store: Store
    committer: GroupCommitter
    faults: FaultPlan = field(default_factory=FaultPlan)

    async def group(self, name: str) -> FeatureGroup:
        cached = self.catalogue.cached(name)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.catalogue.lookup, name)

    def check_faults(self, operation: str) -> None:
        fault = self.faults.take(operation)
        if fault is not None:
            raise fault


RUNTIME = web.AppKey("runtime", Runtime)


def json_response(body: Any) -> web.Response:
    return web.Response(body=msgspec.json.encode(body), content_type="application/json")


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        payload = msgspec.json.decode(await request.read() or b"{}")
    except msgspec.DecodeError as error:
        raise RecordValidationError(f"The request body is not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise RecordValidationError("The request body must be a JSON object")
    return payload


def _bounded_list(items: Any, key: str, limit: int) -> list[Any]:
    if not isinstance(items, list) or not 1 <= len(items) <= limit:
        raise RecordValidationError(f"{key} must hold 1 to {limit} entries")
    return items


def _record_identifier(request: web.Request) -> str:
    value = request.query.get("RecordIdentifierValueAsString")
    if not value:
        raise RecordValidationError("RecordIdentifierValueAsString is required")
    return value


@aws_operation
async def put_record(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    runtime.check_faults("PutRecord")
    entry = decode_put_record(await request.read())
    group = await runtime.group(request.match_info["name"])
    runtime.store.put([prepare_write(group, entry)])
    await runtime.committer.committed()
    return web.Response(status=200, body=b"{}", content_type="application/json")


def _entry_error(entry: WriteEntry, error: Exception) -> dict[str, Any]:
    if isinstance(error, AwsError):
        code, message = error.code, error.message
    elif isinstance(error, UnknownFeatureGroupError):
        code, message = "ResourceNotFound", f"feature group {error} not found"
    else:
        code, message = "ValidationError", str(error)
    return {"Entry": msgspec.to_builtins(entry), "ErrorCode": code, "ErrorMessage": message}


@aws_operation
async def batch_write_record(request: web.Request) -> web.Response:
    """Up to 25 writes in one call; a bad entry is reported in `Errors`, the others are written."""
    runtime = request.app[RUNTIME]
    runtime.check_faults("BatchWriteRecord")
    body = decode_batch_write_record(await request.read())
    entries = _bounded_list(body.Entries, "Entries", BATCH_WRITE_LIMIT)
    faults = runtime.faults.armed("BatchWriteRecord.Entry")
    writes = []
    errors: list[dict[str, Any]] = []
    for entry in entries:
        try:
            if faults:
                runtime.check_faults("BatchWriteRecord.Entry")
            name = entry.FeatureGroupName
            group = runtime.catalogue.cached(name) or await runtime.group(name)
            writes.append(prepare_write(group, entry))
        except (AwsError, RecordValidationError, UnknownFeatureGroupError) as error:
            errors.append(_entry_error(entry, error))
    if writes:
        runtime.store.put(writes)
        await runtime.committer.committed()
    if not errors:
        return web.Response(body=ALL_WRITTEN, content_type="application/json")
    return json_response({"Errors": errors, "UnprocessedEntries": []})


@aws_operation
async def get_record(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    runtime.check_faults("GetRecord")
    group = await runtime.group(request.match_info["name"])
    record_id = _record_identifier(request)
    names = request.query.getall("FeatureName", [])
    unknown = [n for n in names if n not in group.feature_types]
    if unknown:
        raise RecordValidationError(f"Features {unknown} are not defined in {group.name}")
    values = runtime.store.get(group.name, record_id)
    body = {"Record": select_features(values, names)} if values else {}
    return json_response(body)


@aws_operation
async def delete_record(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    runtime.check_faults("DeleteRecord")
    group = await runtime.group(request.match_info["name"])
    record_id = _record_identifier(request)
    event_text = request.query.get("EventTime", "")
    event_time = parse_event_time(event_text, group.feature_types[group.event_time])
    stores = request.query.getall("TargetStores", []) or None
    online, offline = target_stores(group, stores)
    tombstone = {group.record_identifier: record_id, group.event_time: event_text}
    runtime.store.delete(
        group.name,
        record_id,
        event_time=event_time,
        tombstone=tombstone,
        online=online,
        offline=offline,
    )
    await runtime.committer.committed()
    return web.Response(status=200, body=b"{}", content_type="application/json")


@aws_operation
async def batch_get_record(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    runtime.check_faults("BatchGetRecord")
    identifiers = _bounded_list(
        (await _json_body(request)).get("Identifiers"), "Identifiers", BATCH_GET_LIMIT
    )
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for identifier in identifiers:
        name = identifier.get("FeatureGroupName", "")
        record_ids = identifier.get("RecordIdentifiersValueAsString") or []
        try:
            group = await runtime.group(name)
        except UnknownFeatureGroupError:
            errors.extend(
                {
                    "FeatureGroupName": name,
                    "RecordIdentifierValueAsString": record_id,
                    "ErrorCode": "ResourceNotFound",
                    "ErrorMessage": f"Feature group {name} not found",
                }
                for record_id in record_ids
            )
            continue
        for record_id in record_ids:
            values = runtime.store.get(group.name, record_id)
            if values:
                records.append(
                    {
                        "FeatureGroupName": group.name,
                        "RecordIdentifierValueAsString": record_id,
                        "Record": select_features(values, identifier.get("FeatureNames")),
                    }
                )
    return json_response({"Records": records, "Errors": errors, "UnprocessedIdentifiers": []})


async def health(_: web.Request) -> web.Response:
    return json_response({"status": "ok"})


@aws_operation
async def offline_rows(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    group = await runtime.group(request.match_info["name"])
    runtime.committer.flush()
    return json_response({"Rows": list(offline_rows_json(runtime.store, group.name))})


async def inject_faults(request: web.Request) -> web.Response:
    plan = await request.json()
    runtime = request.app[RUNTIME]
    runtime.faults = FaultPlan(
        operation=plan["Operation"],
        count=int(plan["Count"]),
        status=int(plan.get("Status", 503)),
        code=plan.get("Code", "ServiceUnavailable"),
    )
    return json_response({"armed": plan})


def build_app(runtime: Runtime) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app[RUNTIME] = runtime
    app.router.add_route("PUT", "/FeatureGroup/{name}", put_record)
    app.router.add_route("GET", "/FeatureGroup/{name}", get_record)
    app.router.add_route("DELETE", "/FeatureGroup/{name}", delete_record)
    app.router.add_route("POST", "/BatchGetRecord", batch_get_record)
    app.router.add_route("POST", "/BatchWriteRecord", batch_write_record)
    app.router.add_route("GET", "/_local/health", health)
    app.router.add_route("GET", "/_local/offline/{name}", offline_rows)
    app.router.add_route("POST", "/_local/faults", inject_faults)
    return app
