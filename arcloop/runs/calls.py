"""The model calls of a run, as ``arcloop logs`` lists them: ``run_calls(run_dir)``.

Every call the run made is a row of the journal's ``calls`` table (``arcloop.llm.journal``),
answered or failed. Here each row also says which task, expert and iteration it was for (read
from its sample key, ``arcloop.solver.expert.sample_key``), and the list can be narrowed::

    run_calls(Path("runs/x"), task="1a2b", model="openai/*", status="error")
    call, record = run_call(Path("runs/x"), 12)      # with its prompt and response

Not here: printing (the CLI), or the run's task results (``source``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from arcloop.errors import RunDirectoryError
from arcloop.llm.journal import CallRecord, CallStatus, LoggedCall, logged_call, logged_calls
from arcloop.runs.source import open_journal
from arcloop.solver.expert import parse_sample_key


@dataclass(frozen=True, slots=True)
class RunCall:
    """One model call of a run.

    Attributes:
        call: the journal's row (time, model, usage, attempts, status, error).
        task_id, expert, iteration: what it was for (None when its sample key is not the
            solver's).
    """

    call: LoggedCall
    task_id: str | None
    expert: int | None
    iteration: int | None

    @property
    def error(self) -> str | None:
        """``ErrorClass: message`` for a failed call, else None."""
        c = self.call
        if c.error_class is None and c.status == "ok":
            return None
        return f"{c.error_class or 'no answer'}: {c.error_message or ''}".rstrip(": ")

    def to_json(self) -> dict[str, Any]:
        """The call as JSON-ready values (no prompt or response)."""
        c = self.call
        return {
            "id": c.id,
            "datetime_utc": c.datetime_utc,
            "model": c.model,
            "task_id": self.task_id,
            "expert": self.expert,
            "iteration": self.iteration,
            "sample_key": c.sample_key,
            "usage": asdict(c.usage),
            "attempts": c.attempts,
            "rate_limited": c.rate_limited,
            "status": c.status,
            "error_class": c.error_class,
            "error_message": c.error_message,
            "status_code": c.status_code,
        }


def _run_call(call: LoggedCall) -> RunCall:
    key = parse_sample_key(call.sample_key)
    if key is None:
        return RunCall(call, None, None, None)
    return RunCall(call, key.task_id, key.expert, key.iteration)


def run_calls(
    run_dir: Path,
    *,
    task: str | None = None,
    model: str | None = None,
    status: CallStatus | None = None,
) -> list[RunCall]:
    """The calls of the run in ``run_dir``, in the order they ended.

    Args:
        run_dir: a run directory.
        task: only the calls for this task id.
        model: only the calls to this model (a name, or a glob such as ``openai/*``).
        status: only answered (``ok``) or failed (``error``) calls.

    Raises:
        RunDirectoryError: ``run_dir`` holds no journal.
    """
    conn = open_journal(run_dir)
    try:
        calls = [_run_call(c) for c in logged_calls(conn)]
    finally:
        conn.close()
    return [
        c
        for c in calls
        if (task is None or c.task_id == task)
        and (model is None or fnmatch.fnmatchcase(c.call.model, model))
        and (status is None or c.call.status == status)
    ]


def run_call(run_dir: Path, call_id: int) -> tuple[RunCall, CallRecord]:
    """One call of the run in ``run_dir``, with its prompt and response.

    Raises:
        RunDirectoryError: ``run_dir`` holds no journal, or no call with this id.
        JournalError: the stored call is malformed.
    """
    conn = open_journal(run_dir)
    try:
        found = logged_call(conn, call_id)
    finally:
        conn.close()
    if found is None:
        raise RunDirectoryError(f"{run_dir}: no call {call_id} in this run's journal")
    logged, record = found
    return _run_call(logged), record
