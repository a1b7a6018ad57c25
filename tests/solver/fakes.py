"""Fakes for the solver's tests: a scripted model, a model right with a probability, an
in-process sandbox for trusted test programs, and small tasks."""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from arcloop.arc.grid import Grid, grid_problem
from arcloop.arc.task import Pair, Task
from arcloop.llm.types import Completion, Message, Usage
from arcloop.sandbox.types import Failure, Outcome

Reply = str | BaseException


@dataclass
class Call:
    """What a fake model was asked."""

    messages: list[Message]
    sample_key: str

    @property
    def prompt(self) -> str:
        return self.messages[-1]["content"]


@dataclass
class ScriptedModel:
    """Answers from a queue (a reply text, or an exception to raise) and records every call."""

    replies: list[Reply]
    model: str = "fake/model"
    cost_usd: float = 0.01
    calls: list[Call] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self.calls.append(Call(list(messages), sample_key))
        if not self.replies:
            raise AssertionError(f"the scripted model ran out of replies at {sample_key}")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return Completion(
            text=reply,
            model=self.model,
            usage=Usage(
                prompt_tokens=100, completion_tokens=50, cost_usd=self.cost_usd, latency_s=0.5
            ),
            call_id=len(self.calls),
        )


@dataclass
class ChanceModel:
    """Right with probability ``p_right`` per call, decided by a generator seeded from the
    sample key (so the outcome does not depend on the order concurrent experts call in)."""

    right: str
    wrong: str
    p_right: float
    model: str = "gemini/gemini-3-pro-preview"
    calls: list[Call] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self.calls.append(Call(list(messages), sample_key))
        good = random.Random(sample_key).random() < self.p_right
        text = self.right if good else self.wrong
        return Completion(text=text, model=self.model, usage=Usage(cost_usd=0.1))


def reply_with(code: str, prose: str = "Here is my program.") -> str:
    """A model reply holding ``code`` in a python fence."""
    return f"{prose}\n\n```python\n{code.strip()}\n```\n"


class InProcessSandbox:
    """Runs *trusted* test programs with ``exec`` in this process; records every run."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, int]] = []

    async def run(self, code: str, inputs: Sequence[Grid]) -> list[Outcome]:
        self.runs.append((code, len(inputs)))
        namespace: dict[str, object] = {}
        try:
            exec(compile(code, "<program>", "exec"), namespace)
        except Exception as exc:
            failure = Failure("syntax", f"{type(exc).__name__}: {exc}")
            return [Outcome(failure=failure) for _ in inputs]
        transform = namespace["transform"]
        assert callable(transform)
        outcomes = []
        for grid in inputs:
            try:
                result = transform(np.array(grid))
            except Exception as exc:
                tb = "".join(traceback.format_exception(exc)[1:])
                failure = Failure("exception", f"{type(exc).__name__}: {exc}", tb)
                outcomes.append(Outcome(failure=failure))
                continue
            value = np.asarray(result).tolist()
            problem = grid_problem(value)
            if problem is not None:
                outcomes.append(Outcome(failure=Failure("invalid_output", problem)))
            else:
                outcomes.append(Outcome(grid=tuple(tuple(row) for row in value)))
        return outcomes


def flip_task(task_id: str = "flip") -> Task:
    """Mirror left-right; three train pairs, one test input."""

    def pair(rows: list[list[int]]) -> Pair:
        grid = tuple(tuple(r) for r in rows)
        return Pair(grid, tuple(tuple(reversed(r)) for r in grid))

    return Task(
        id=task_id,
        train=(
            pair([[1, 2, 3], [0, 0, 4]]),
            pair([[5, 0], [0, 6]]),
            pair([[7, 8, 9, 1]]),
        ),
        test_inputs=(((2, 3, 0), (4, 0, 0)),),
        test_outputs=(((0, 3, 2), (0, 0, 4)),),
    )


FLIP = "import numpy as np\n\ndef transform(grid):\n    return np.fliplr(grid)\n"
IDENTITY = "def transform(grid):\n    return grid\n"
ROT180 = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid, 2)\n"
CRASH = "def transform(grid):\n    return 1 / 0\n"


def constant(value: int) -> str:
    """A program that fills the input's shape with ``value``."""
    return f"import numpy as np\n\ndef transform(grid):\n    return np.full_like(grid, {value})\n"


def factory(models: dict[int, ScriptedModel]) -> Callable[..., ScriptedModel]:
    """A ``client_for`` giving expert ``i`` the model ``models[i]``."""
    return lambda spec: models[spec.index]
