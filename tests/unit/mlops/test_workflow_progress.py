from __future__ import annotations

from typing import Any

import pytest

from mlops.workflow_progress import (
    RunTimeoutError,
    Step,
    StepTracker,
    describe_step,
    read_history,
    summary_lines,
    watch,
    worth_showing,
)
from tests.fixtures.progress import ARN, History, happy_history


def test_feed_turns_a_history_into_started_and_ended_steps_with_durations() -> None:
    tracker = StepTracker(ARN)

    steps = tracker.feed(happy_history().events)

    processing = [s for s in steps if s.state == "Processing"]
    assert [(s.ended, s.seconds) for s in processing] == [(False, None), (True, 4.0)]
    assert [s.iteration for s in steps if s.state == "WaitForEndpoint"] == [1, 1, 2, 2]
    summary = tracker.summary
    assert summary.status == "SUCCEEDED"
    assert summary.output == {"status": "live"}
    assert summary.seconds == pytest.approx(12.72)
    assert summary.durations()["Training"] == pytest.approx(6.5)
    assert summary.durations()["WaitForEndpoint"] == pytest.approx(2.0)
    assert summary.states["DescribeEndpoint"].runs == 2
    assert list(summary.states)[:3] == ["CheckEvent", "Processing", "Training"]


def test_feed_reports_each_event_once_as_the_history_grows() -> None:
    events = happy_history().events
    tracker = StepTracker(ARN)

    first = tracker.feed(events[:4])
    again = tracker.feed(events[:4])
    rest = tracker.feed(events)

    assert [s.state for s in first] == ["CheckEvent", "CheckEvent", "Processing"]
    assert again == []
    assert rest[0] == Step("Processing", "Task", True, events[4]["timestamp"], 1, 4.0)
    assert len(first) + len(rest) == len(StepTracker().feed(events))


def test_feed_names_the_error_of_a_caught_task_failure_and_the_failed_run() -> None:
    history = History().add(0, "ExecutionStarted", input="{}")
    history.add(0.1, "TaskStateEntered", name="Processing", input="{}")
    history.add(0.1, "TaskScheduled", resource="createProcessingJob.sync")
    history.add(
        3.0, "TaskFailed", error="States.TaskFailed", cause="AlgorithmError: loan_amount > 0"
    )
    history.add(3.0, "TaskStateExited", name="Processing", output="{}")
    history.state("Fail", "Failed", 3.5, None)
    history.add(3.5, "ExecutionFailed", error="PipelineFailed", cause='{"Processing": {}}')
    tracker = StepTracker(ARN)

    steps = tracker.feed(history.events)

    ended = next(s for s in steps if s.state == "Processing" and s.ended)
    assert ended.error == "States.TaskFailed"
    assert ended.cause == "AlgorithmError: loan_amount > 0"
    assert tracker.summary.status == "FAILED"
    assert tracker.summary.error == "PipelineFailed"
    assert tracker.summary.states["Processing"].error == "States.TaskFailed"
    assert "[States.TaskFailed: AlgorithmError: loan_amount > 0]" in describe_step(ended)


def test_feed_calls_a_timed_out_task_a_states_timeout() -> None:
    history = History().add(0, "ExecutionStarted", input="{}")
    history.add(0.1, "TaskStateEntered", name="RequestApproval", input="{}")
    history.add(2.1, "TaskTimedOut")
    history.add(2.1, "TaskStateExited", name="RequestApproval", output="{}")

    steps = StepTracker(ARN).feed(history.events)

    assert steps[-1].error == "States.Timeout"


def test_worth_showing_hides_instant_starts_and_loop_repeats() -> None:
    steps = StepTracker(ARN).feed(happy_history().events)

    shown = [describe_step(s) for s in steps if worth_showing(s)]

    assert shown[0] == "  ok CheckEvent  0.0 s"
    assert "  -> Processing ..." in shown
    assert "  ok Processing  4.0 s" in shown
    assert "  ok Live  0.0 s" in shown
    assert not any("#2" in line for line in shown)


def test_summary_lines_rank_states_by_time_and_count_repeats() -> None:
    tracker = StepTracker(ARN)
    tracker.feed(happy_history().events)

    lines = summary_lines(tracker.summary, slowest=3)

    assert lines[0] == "Workflow run SUCCEEDED in 12.7 s"
    assert lines[1].split() == ["Training", "6.5", "s"]
    assert lines[2].split() == ["Processing", "4.0", "s"]
    assert lines[3].split() == ["WaitForEndpoint", "2.0", "s", "(2", "times)"]


class FakeStepFunctions:
    """Serves a growing canned history in pages of `page_size`, one more event per poll."""

    def __init__(self, events: list[dict[str, Any]], page_size: int = 3) -> None:
        self.events = events
        self.visible = 1
        self.page_size = page_size
        self.calls: list[dict[str, Any]] = []

    def get_execution_history(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(arguments)
        start = int(arguments.get("nextToken", 0))
        page_size = min(self.page_size, arguments["maxResults"])
        end = min(start + page_size, self.visible)
        page: dict[str, Any] = {"events": self.events[start:end]}
        if end < self.visible:
            page["nextToken"] = str(end)
        return page

    def tick(self, _seconds: float) -> None:
        self.visible = min(self.visible + 1, len(self.events))


def test_read_history_follows_every_page() -> None:
    events = happy_history().events
    sfn = FakeStepFunctions(events, page_size=4)
    sfn.visible = len(events)

    assert read_history(sfn, ARN) == events
    assert sfn.calls[1] == {"executionArn": ARN, "maxResults": 1000, "nextToken": "4"}


def test_watch_reports_steps_live_until_the_run_ends() -> None:
    events = happy_history().events
    sfn = FakeStepFunctions(events)
    seen: list[Step] = []

    summary = watch(sfn, ARN, seen.append, poll_seconds=0.5, sleep=sfn.tick)

    assert summary.status == "SUCCEEDED"
    assert len(seen) == sum(1 for e in events if "State" in e["type"])
    assert [s.state for s in seen][:2] == ["CheckEvent", "CheckEvent"]


def test_watch_gives_up_after_the_timeout_naming_the_state() -> None:
    history = History().add(0, "ExecutionStarted", input="{}").state("Task", "Training", 1, None)
    sfn = FakeStepFunctions(history.events)
    sfn.visible = len(history.events)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(RunTimeoutError, match="in state Training") as raised:
        watch(sfn, ARN, timeout=10, poll_seconds=1, sleep=sleep, clock=lambda: now[0])
    assert now[0] == pytest.approx(11)
    assert raised.value.summary.states["Training"].runs == 1
    assert raised.value.summary.status == "RUNNING"
