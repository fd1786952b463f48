"""Follow one workflow run live through the Step Functions API (GetExecutionHistory).

Works against AWS and against the local workflow executor alike: it only reads the history
(all pages, through `local_stack.stack.runs.history`).

    summary = watch(sfn, execution_arn, on_step=lambda step: print(describe_step(step)))
    for line in summary_lines(summary): print(line)

`StepTracker` turns raw history events into `Step`s (a state started, or ended with its duration
and, for a Task that failed, the error and cause); it is plain code over a list of events, so it
is tested against canned histories. `watch` polls until the run ends and returns a `RunSummary`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from local_stack.stack.runs import history as read_history

Event = Mapping[str, Any]
_ENTERED = "StateEntered"
_EXITED = "StateExited"
_TASK_ERRORS = ("TaskFailed", "TaskTimedOut")
_EXECUTION_ENDS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}


@dataclass(frozen=True)
class Step:
    """A state started (`ended` False) or ended (`ended` True, with `seconds`).

    `iteration` counts the times this state was entered in the run (a polling loop enters the
    same states again); `error`/`cause` are set when a Task in it failed and was caught."""

    state: str
    state_type: str
    ended: bool
    at: datetime
    iteration: int = 1
    seconds: float | None = None
    error: str | None = None
    cause: str | None = None


@dataclass
class StateTotals:
    seconds: float = 0.0
    runs: int = 0
    error: str | None = None


@dataclass
class RunSummary:
    """How a run ended and where its time went (states in the order they were first entered)."""

    execution_arn: str
    status: str  # RUNNING while unfinished, then SUCCEEDED | FAILED | ABORTED | TIMED_OUT
    started: datetime | None = None
    stopped: datetime | None = None
    output: Any = None  # the parsed execution output of a SUCCEEDED run
    error: str | None = None
    cause: str | None = None
    states: dict[str, StateTotals] = field(default_factory=dict)

    @property
    def seconds(self) -> float | None:
        if self.started is None or self.stopped is None:
            return None
        return (self.stopped - self.started).total_seconds()

    def durations(self) -> dict[str, float]:
        """Seconds per state, summed over its runs."""
        return {name: round(totals.seconds, 3) for name, totals in self.states.items()}


class StepTracker:
    """Feeds on the history (whole or growing) and yields each step once, in order."""

    def __init__(self, execution_arn: str = "") -> None:
        self.summary = RunSummary(execution_arn=execution_arn, status="RUNNING")
        self._last_id = 0
        self._entered: dict[str, datetime] = {}
        self._failure: dict[str, tuple[str | None, str | None]] = {}
        self._current: str | None = None

    @property
    def current_state(self) -> str | None:
        """The state the run is in (None between states or once it ended)."""
        return self._current

    def feed(self, events: Iterable[Event]) -> list[Step]:
        """The steps among `events` not seen before (events are identified by their `id`)."""
        steps: list[Step] = []
        for event in sorted(events, key=lambda e: int(e["id"])):
            if int(event["id"]) <= self._last_id:
                continue
            self._last_id = int(event["id"])
            step = self._read(event)
            if step is not None:
                steps.append(step)
        return steps

    def _read(self, event: Event) -> Step | None:
        kind = str(event["type"])
        at: datetime = event["timestamp"]
        summary = self.summary
        if kind == "ExecutionStarted":
            summary.started = at
        elif kind in _EXECUTION_ENDS:
            summary.status, summary.stopped = _EXECUTION_ENDS[kind], at
            details = _details(event)
            summary.error, summary.cause = details.get("error"), details.get("cause")
            if "output" in details:
                summary.output = _parse_json(details["output"])
        elif kind in _TASK_ERRORS and self._current is not None:
            details = _details(event)
            error = details.get("error") or ("States.Timeout" if kind == "TaskTimedOut" else None)
            self._failure[self._current] = (error, details.get("cause"))
        elif kind.endswith(_ENTERED):
            return self._entered_step(kind.removesuffix(_ENTERED), event, at)
        elif kind.endswith(_EXITED):
            return self._exited_step(kind.removesuffix(_EXITED), event, at)
        return None

    def _entered_step(self, state_type: str, event: Event, at: datetime) -> Step:
        name = str(event["stateEnteredEventDetails"]["name"])
        totals = self.summary.states.setdefault(name, StateTotals())
        totals.runs += 1
        self._entered[name] = at
        self._failure.pop(name, None)
        self._current = name
        return Step(name, state_type, ended=False, at=at, iteration=totals.runs)

    def _exited_step(self, state_type: str, event: Event, at: datetime) -> Step:
        name = str(event["stateExitedEventDetails"]["name"])
        totals = self.summary.states.setdefault(name, StateTotals(runs=1))
        seconds = (at - self._entered.pop(name, at)).total_seconds()
        totals.seconds += seconds
        error, cause = self._failure.pop(name, (None, None))
        if error:
            totals.error = error
        self._current = None
        return Step(
            name,
            state_type,
            ended=True,
            at=at,
            iteration=max(totals.runs, 1),
            seconds=seconds,
            error=error,
            cause=cause,
        )


def _details(event: Event) -> dict[str, Any]:
    """The `...EventDetails` object of an event (each type has its own key)."""
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return dict(value)
    return {}


def _parse_json(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


class RunTimeoutError(TimeoutError):
    """The run did not end in time; `summary` holds what it did until then."""

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message)
        self.summary = summary


def watch(
    sfn: Any,
    execution_arn: str,
    on_step: Callable[[Step], None] = lambda step: None,
    *,
    poll_seconds: float = 0.5,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RunSummary:
    """Call `on_step` for each state started and ended, as they happen, until the run ends.

    Returns the run's summary; raises RunTimeoutError (naming the run and the state it is in,
    holding the summary so far) when it is still running after `timeout` seconds. The run itself
    is left alone."""
    tracker = StepTracker(execution_arn)
    deadline = None if timeout is None else clock() + timeout
    while True:
        for step in tracker.feed(read_history(sfn, execution_arn)):
            on_step(step)
        if tracker.summary.status != "RUNNING":
            return tracker.summary
        if deadline is not None and clock() > deadline:
            raise RunTimeoutError(
                f"workflow run {execution_arn} still running after {timeout:.0f} s"
                f" (in state {tracker.current_state or 'between states'})",
                tracker.summary,
            )
        sleep(poll_seconds)


# -- what a person reads ------------------------------------------------------------------------

_INSTANT_TYPES = frozenset({"Pass", "Choice", "Succeed"})  # a Fail state never exits


def worth_showing(step: Step) -> bool:
    """Whether a live view shows this step: not the start of a state that takes no time (its end
    line says it all), nor the repeats of a polling loop (the summary counts them)."""
    if step.iteration > 1:
        return False
    return step.ended or step.state_type not in _INSTANT_TYPES


def describe_step(step: Step) -> str:
    """One progress line: `-> Training` when it starts, `ok Training  12.3 s` when it ends."""
    repeat = f" (#{step.iteration})" if step.iteration > 1 else ""
    if not step.ended:
        return f"  -> {step.state}{repeat} ..."
    line = f"  {'!!' if step.error else 'ok'} {step.state}{repeat}  {step.seconds or 0:.1f} s"
    if step.error:
        line += f"  [{step.error}: {_first_line(step.cause)}]"
    return line


def _first_line(text: str | None, limit: int = 160) -> str:
    found = (text or "").strip().splitlines()
    line = found[0] if found else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def summary_lines(summary: RunSummary, slowest: int | None = None) -> list[str]:
    """The run's outcome and the time spent per state, slowest first."""
    total = summary.seconds
    lines = [
        f"Workflow run {summary.status}"
        + (f" in {total:.1f} s" if total is not None else "")
        + (f": {summary.error}" if summary.error else "")
    ]
    ranked = sorted(summary.states.items(), key=lambda item: -item[1].seconds)
    for name, totals in ranked[:slowest]:
        runs = f" ({totals.runs} times)" if totals.runs > 1 else ""
        failed = f"  failed: {totals.error}" if totals.error else ""
        lines.append(f"  {name:<28} {totals.seconds:8.1f} s{runs}{failed}")
    return lines
