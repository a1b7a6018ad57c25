"""Parent side of the result channel: bounded JSON lines in, validated ``Outcome`` s out.

Nothing a child sends is trusted: every line is size-bounded and parsed as JSON (never
pickle), every grid is validated again with ``grid_problem``, every string is cut short,
and a record that is malformed or claims an unknown kind ends the child's say.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass
from typing import Any

from arcloop.arc.grid import as_grid, grid_problem
from arcloop.sandbox.types import Failure, FailureKind, Outcome

MAX_TEXT = 600
MAX_TRACEBACK = 2400
# Kinds a child may claim for itself; "timeout" and "killed" are decided by the parent.
_CHILD_KINDS: dict[str, FailureKind] = {
    "exception": "exception",
    "memory": "memory",
    "invalid_output": "invalid_output",
}


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


class ResultCollector:
    """Accumulates a child's result lines for ``n`` inputs.

    Attributes:
        started: the child read its job and began running the program.
        violation: why the child's output was rejected ("" while it behaves).
    """

    def __init__(self, n: int, *, max_bytes: int) -> None:
        self._n = n
        self._max_bytes = max_bytes
        self._received = 0
        self._buffer = b""
        self.outcomes: list[Outcome | None] = [None] * n
        self.started = False
        self.violation = ""

    @property
    def complete(self) -> bool:
        """Every input has an outcome (or the child broke the protocol)."""
        return bool(self.violation) or all(o is not None for o in self.outcomes)

    def feed(self, data: bytes) -> None:
        """Take the next bytes from the result pipe."""
        if self.violation:
            return
        self._received += len(data)
        if self._received > self._max_bytes:
            self.violation = f"the result channel exceeded {self._max_bytes} bytes"
            return
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self._line(line)
            if self.violation:
                return

    def _line(self, line: bytes) -> None:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            self.violation = "the child sent a malformed result line"
            return
        if not isinstance(record, dict):
            self.violation = "the child sent a result that is not an object"
        elif "started" in record:
            self.started = True
        elif "syntax" in record:
            failure = Failure(
                "syntax",
                _text(record["syntax"], MAX_TEXT),
                _text(record.get("traceback"), MAX_TRACEBACK),
            )
            self.fill(failure)
        else:
            self._input_record(record)

    def _input_record(self, record: dict[str, Any]) -> None:
        i = record.get("i")
        if type(i) is not int or not 0 <= i < self._n or self.outcomes[i] is not None:
            self.violation = "the child sent a result for an unknown input"
            return
        if "grid" in record:
            grid = record["grid"]
            problem = grid_problem(grid)
            if problem is None:
                self.outcomes[i] = Outcome(grid=as_grid(grid))
            else:
                self.outcomes[i] = Outcome(failure=Failure("invalid_output", problem))
            return
        kind = _CHILD_KINDS.get(record.get("fail"))  # type: ignore[arg-type]
        if kind is None:
            self.violation = "the child claimed an unknown failure kind"
            return
        self.outcomes[i] = Outcome(
            failure=Failure(
                kind,
                _text(record.get("message"), MAX_TEXT),
                _text(record.get("traceback"), MAX_TRACEBACK),
            )
        )

    def fill(self, failure: Failure) -> None:
        """Give ``failure`` to every input that has no outcome yet."""
        self.outcomes = [o if o is not None else Outcome(failure=failure) for o in self.outcomes]

    def result(self) -> list[Outcome]:
        """The outcomes, once every input has one."""
        return [
            o if o is not None else Outcome(failure=Failure("killed", "no result"))
            for o in self.outcomes
        ]


@dataclass(frozen=True)
class ChildExit:
    """How a child ended.

    Attributes:
        status: its raw wait status.
        memory_killed: its memory cgroup killed it.
        cpu_seconds: the CPU it used (None when unknown).
    """

    status: int
    memory_killed: bool = False
    cpu_seconds: float | None = None


def death_failure(end: ChildExit | None, *, cpu_seconds: int, memory_mib: int) -> Failure:
    """Describe a child that ended before answering every input, from how it ended."""
    if end is None:
        return Failure("killed", "the process died without a result")
    if end.memory_killed:
        return Failure("memory", f"killed for going over the memory limit ({memory_mib} MiB)")
    status = end.status
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        # A warm child is pid 1 of its PID namespace, which ignores SIGXCPU: the kernel's
        # SIGKILL at the hard limit ends it, after at least ``cpu_seconds`` of CPU.
        spent = end.cpu_seconds is not None and end.cpu_seconds >= cpu_seconds
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and spent):
            return Failure("timeout", f"CPU limit of {cpu_seconds} s exceeded")
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return Failure("killed", f"the process was killed by {name}")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return Failure("killed", f"the process exited with code {code} before answering")
