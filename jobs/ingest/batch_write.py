"""BatchWriteRecord with a body the job builds, signed and sent by botocore's own parts.

botocore's rest-json serialiser walks the service model for every feature value of every record
(about 110 µs a record, the largest cost of a boto3 `batch_write_record` call). The request shape
is small and fixed, so the job writes the JSON itself (`records.encode_entries`, byte for byte what
botocore writes) and keeps from botocore what it is good at:
- credentials (the default chain, refreshed when they expire), region and endpoint resolution
  (`AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME` included), from a client made once;
- SigV4 signing (`SigV4Auth` with the model's signing name, `sagemaker`);
- the HTTP session where a proxy or a client certificate is configured (`URLLib3Session`);
  otherwise `jobs.ingest.connections` keeps one connection per thread, for less than half the CPU,
  with botocore's CA bundle, timeouts and connection exceptions;
- parsing answers and AWS error bodies (the rest-json parser with the operation's output shape);
- the retry rules (`jobs.ingest.retries`).
The request is the one botocore sends for the same call: same URL, body, signed headers
(content-type, host, x-amz-date, x-amz-security-token) and the `amz-sdk-*` headers.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.endpoint import EndpointCreator
from botocore.exceptions import NoCredentialsError
from botocore.hooks import HierarchicalEmitter
from botocore.httpsession import ProxyConfiguration
from botocore.parsers import create_parser
from botocore.session import Session
from botocore.utils import get_environ_proxies

from jobs.ingest.connections import ThreadConnections
from jobs.ingest.records import failed_record
from jobs.ingest.retries import RetryPolicy

log = logging.getLogger(__name__)

OPERATION = "BatchWriteRecord"
USER_AGENT_SUFFIX = "md/jobs.ingest#batch-write"
# botocore's socket options with `tcp_keepalive=True`
SOCKET_OPTIONS = [
    (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
]


def request_body(entries: Sequence[str]) -> bytes:
    """The BatchWriteRecord body around entries already encoded as JSON (ASCII)."""
    return ('{"Entries": [' + ", ".join(entries) + "]}").encode("ascii")


@dataclass(frozen=True)
class Answer:
    """What one attempt got back: a parsed answer, or the exception that stood in for one."""

    parsed: Mapping[str, Any] | None
    http_response: AWSResponse | None
    exception: Exception | None

    @property
    def succeeded(self) -> bool:
        return (
            self.exception is None
            and self.http_response is not None
            and (self.http_response.status_code < 300)
        )

    def error(self) -> tuple[str, str]:
        """(code, message) of a failed call."""
        if self.exception is not None:
            return type(self.exception).__name__, str(self.exception)
        details = (self.parsed or {}).get("Error", {})
        status = self.http_response.status_code if self.http_response is not None else None
        return str(details.get("Code") or f"HTTP {status}"), str(details.get("Message", ""))


class BatchWriteRecordSender:
    """Signs and sends BatchWriteRecord requests; thread-safe (one per process is enough)."""

    def __init__(
        self, session: Session, client: Any, *, max_attempts: int, max_pool_connections: int
    ) -> None:
        service_model = client.meta.service_model
        if OPERATION not in service_model.operation_names:
            raise RuntimeError(
                f"this botocore has no {OPERATION} in its sagemaker-featurestore-runtime model: "
                "upgrade boto3 or use --api put-record"
            )
        credentials = session.get_credentials()
        if credentials is None:
            raise NoCredentialsError()
        self.operation_model = service_model.operation_model(OPERATION)
        self.max_entries = int(self.operation_model.input_shape.members["Entries"].metadata["max"])
        self.url = client.meta.endpoint_url.rstrip("/") + self.operation_model.http["requestUri"]
        self.region: str = client.meta.region_name
        self.signing_name: str = service_model.signing_name
        self.user_agent = f"{client.meta.config.user_agent} {USER_AGENT_SUFFIX}"
        self.max_attempts = max_attempts
        self._credentials = credentials
        self._parser = create_parser(service_model.protocol)
        self._http = _transport(session, client, max_pool_connections)

    def prepare(self, body: bytes, *, invocation_id: str, attempt: int) -> AWSPreparedRequest:
        """The signed request, as botocore would prepare it for the same call."""
        request = AWSRequest(
            method=self.operation_model.http["method"],
            url=self.url,
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": self.user_agent},
        )
        SigV4Auth(
            self._credentials.get_frozen_credentials(), self.signing_name, self.region
        ).add_auth(request)
        # botocore adds these after signing, so they are not signed headers
        request.headers["amz-sdk-invocation-id"] = invocation_id
        request.headers["amz-sdk-request"] = f"attempt={attempt}; max={self.max_attempts}"
        return request.prepare()

    def send(self, entries: Sequence[str], *, invocation_id: str, attempt: int) -> Answer:
        request = self.prepare(request_body(entries), invocation_id=invocation_id, attempt=attempt)
        try:
            http_response = self._http.send(request)
        except Exception as error:  # botocore's ConnectionError family, timeouts, ...
            return Answer(None, None, error)
        parsed = self._parser.parse(
            {
                "headers": http_response.headers,
                "status_code": http_response.status_code,
                "body": http_response.content,
                "context": {"operation_name": OPERATION},
            },
            self.operation_model.output_shape,
        )
        return Answer(parsed, http_response, None)

    def close(self) -> None:
        self._http.close()


def _transport(session: Session, client: Any, max_pool_connections: int) -> Any:
    """Plain keep-alive connections, or botocore's own session where it must do more.

    A proxy or a client certificate for the endpoint is left to botocore's `URLLib3Session`
    (tunnelling, mTLS); otherwise `ThreadConnections` sends the same requests for less CPU.
    """
    config = client.meta.config
    endpoint_url = client.meta.endpoint_url
    verify = session.get_config_variable("ca_bundle")
    # the client's proxies, else the environment's (HTTPS_PROXY, NO_PROXY), as botocore decides
    proxies = config.proxies if config.proxies is not None else get_environ_proxies(endpoint_url)
    proxy = ProxyConfiguration(proxies=proxies).proxy_url_for(endpoint_url)
    if config.client_cert is None and not proxy:
        return ThreadConnections(
            endpoint_url,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            verify=verify,
        )
    endpoint = EndpointCreator(HierarchicalEmitter()).create_endpoint(
        client.meta.service_model,
        region_name=client.meta.region_name,
        endpoint_url=endpoint_url,
        verify=verify,
        # (connect, read), as botocore's client passes it (its stubs say float)
        timeout=(config.connect_timeout, config.read_timeout),  # type: ignore[arg-type]
        max_pool_connections=max_pool_connections,
        proxies=config.proxies,
        socket_options=SOCKET_OPTIONS,
        client_cert=config.client_cert,
        proxies_config=config.proxies_config,
    )
    return endpoint.http_session


@dataclass
class BatchOutcome:
    """Written count, whether any request was repeated, and the entries that failed for good."""

    written: int = 0
    retried: bool = False
    failed: list[dict[str, Any]] = field(default_factory=list)


def _record_key(entry: Mapping[str, Any]) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((f["FeatureName"], f.get("ValueAsString")) for f in entry["Record"]))


class _EntryErrors:
    """The entries a successful call did not write, matched to what was sent."""

    def __init__(self, pending: Sequence[str], parsed: Mapping[str, Any]) -> None:
        self.errors: list[Mapping[str, Any]] = list(parsed.get("Errors") or [])
        self.unprocessed: list[Mapping[str, Any]] = list(parsed.get("UnprocessedEntries") or [])
        self._sent: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        if self.errors or self.unprocessed:
            for text in pending:
                self._sent[_record_key(json.loads(text))].append(text)

    def __len__(self) -> int:
        return len(self.errors) + len(self.unprocessed)

    def sent(self, echoed: Mapping[str, Any]) -> str | None:
        """The encoded entry that AWS echoed back, or None when it matches nothing sent."""
        texts = self._sent.get(_record_key(echoed))
        return texts.pop() if texts else None

    def failures(self) -> list[tuple[Mapping[str, Any], str, str]]:
        """(echoed entry, code, message) for each entry error and each unprocessed entry."""
        return [
            (e["Entry"], str(e.get("ErrorCode", "")), str(e.get("ErrorMessage", "")))
            for e in self.errors
        ] + [
            (entry, "Unprocessed", "left unprocessed by the service") for entry in self.unprocessed
        ]


def write_batch(
    sender: BatchWriteRecordSender,
    policy: RetryPolicy,
    entries: Sequence[str],
    sleep: Callable[[float], None] = time.sleep,
) -> BatchOutcome:
    """Write up to `max_entries` encoded entries; retry the call and its failed entries.

    Every request counts as an attempt for the entries in it; after `policy.max_attempts` the
    entries still unwritten are reported with their last error. Nothing is dropped: each entry
    ends in `written` or in `failed`.
    """
    outcome = BatchOutcome()
    pending = list(entries)
    invocation_id = str(uuid.uuid4())
    for attempt in range(1, policy.max_attempts + 1):
        if attempt > 1:
            outcome.retried = True
        policy.before_send()
        answer = sender.send(pending, invocation_id=invocation_id, attempt=attempt)
        if not answer.succeeded:
            policy.after_response(policy.is_throttling(answer.parsed, answer.http_response))
            delay = policy.call_delay(
                attempt, answer.parsed, answer.http_response, answer.exception
            )
            if delay is None:
                code, message = answer.error()
                outcome.failed.extend(
                    failed_record(json.loads(text), code, message, attempt) for text in pending
                )
                return outcome
            sleep(delay)
            continue
        assert answer.parsed is not None
        entry_errors = _EntryErrors(pending, answer.parsed)
        outcome.written += len(pending) - len(entry_errors)
        retry: list[str] = []
        codes: list[str] = []
        for echoed, code, message in entry_errors.failures():
            text = entry_errors.sent(echoed)
            retryable = code == "Unprocessed" or policy.entry_retryable(code)
            if text is not None and retryable and attempt < policy.max_attempts:
                retry.append(text)
                codes.append(code)
            else:
                outcome.failed.append(failed_record(echoed, code, message, attempt))
        policy.after_response(any(policy.is_throttling({"Error": {"Code": c}}) for c in codes))
        if not retry:
            return outcome
        sleep(policy.entry_delay(attempt, codes))
        pending = retry
    return outcome
