"""What a comparison of runs holds: ``Comparison`` and its parts, as frozen values.

A ``Comparison`` is built by ``arcloop.runs.compare``; the CLI prints it, the report draws it,
and a notebook reads it::

    c = arcloop.compare("runs/prompt-1", "runs/prompt-2")
    b = c.pair("B")                  # B against A
    b.score_difference               # Interval(value=0.2, low=0.05, high=0.35): B − A per task
    b.p_value, b.significant         # (0.0078125, True)
    b.only_b                         # ids of the tasks B solved and A did not
    [r.score_per_task for r in c.arm("A").runs]
    c.to_json()                      # what ``arcloop compare --json`` prints

Every score is a share in 0..1 and every difference is B − A (the later arm minus A).

Not here: how the numbers are computed (``compare``, ``stats``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from arcloop.llm.types import Usage
from arcloop.runs.breakdown import ExpertStats
from arcloop.runs.record import TaskRecord
from arcloop.runs.source import RunSource
from arcloop.runs.stats import ALPHA, CONFIDENCE, Interval, McNemar, Spread, mean_and_sd

Test = Literal["mcnemar", "signed-rank"]
"""The paired test of a pair: exact McNemar (one run per arm) or Wilcoxon's signed-rank test
on per-task solve rates (several runs on a side)."""


@dataclass(frozen=True, slots=True)
class RunScore:
    """One run on the compared tasks.

    Attributes:
        name: the run directory's name.
        path: the run directory, as given.
        status: how the run's last leg ended (finished, interrupted, ...).
        experts: its experts as ``model (prompt)``, ``2× model (prompt)`` when alike.
        tasks: tasks compared.
        solved: of those, tasks with every test output right.
        score_per_task: the mean task score, with a bootstrap interval over tasks.
        solved_outputs: test outputs right.
        outputs: test outputs of the compared tasks.
        score_per_output: ``solved_outputs / outputs``, with Wilson's interval.
        usage: tokens, dollars and model seconds of the compared tasks.
        calls: model calls of the compared tasks (replayed ones included).
        replayed_calls: of those, answered from the journal at no cost.
        task_seconds: the compared tasks' wall-clock times, summed (tasks run concurrently, so
            this is more than the run took).
        elapsed_s: the whole run's wall-clock time (``summary.json``), when known.
    """

    name: str
    path: str
    status: str
    experts: tuple[str, ...]
    tasks: int
    solved: int
    score_per_task: Interval
    solved_outputs: int
    outputs: int
    score_per_output: Interval
    usage: Usage
    calls: int
    replayed_calls: int
    task_seconds: float
    elapsed_s: float | None

    @property
    def cost_per_task(self) -> float:
        """Dollars per compared task."""
        return self.usage.cost_usd / self.tasks if self.tasks else 0.0

    @property
    def cost_per_solved_task(self) -> float | None:
        """Dollars per solved task (None when none was solved)."""
        return self.usage.cost_usd / self.solved if self.solved else None

    @property
    def tokens(self) -> int:
        """Prompt and completion tokens."""
        return self.usage.prompt_tokens + self.usage.completion_tokens

    @property
    def cached_share(self) -> float | None:
        """The share of prompt tokens read from the provider's cache (None without tokens)."""
        u = self.usage
        return u.cached_tokens / u.prompt_tokens if u.prompt_tokens else None

    def to_json(self) -> dict[str, Any]:
        """The run's figures as JSON-ready values."""
        return {
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "experts": list(self.experts),
            "tasks": self.tasks,
            "solved_tasks": self.solved,
            "score_per_task": _interval(self.score_per_task),
            "solved_outputs": self.solved_outputs,
            "outputs": self.outputs,
            "score_per_output": _interval(self.score_per_output),
            "usage": asdict(self.usage),
            "cost_per_task": self.cost_per_task,
            "cost_per_solved_task": self.cost_per_solved_task,
            "tokens": self.tokens,
            "cached_share": self.cached_share,
            "calls": self.calls,
            "replayed_calls": self.replayed_calls,
            "task_seconds": self.task_seconds,
            "elapsed_s": self.elapsed_s,
        }


@dataclass(frozen=True, slots=True)
class Arm:
    """One side of a comparison: a run, or several runs of one configuration.

    The spreads are the mean ± sample standard deviation across the arm's runs (sd 0 for a
    single run).
    """

    label: str
    runs: tuple[RunScore, ...]

    @property
    def score_per_task(self) -> Spread:
        return mean_and_sd([r.score_per_task.value for r in self.runs])

    @property
    def score_per_output(self) -> Spread:
        return mean_and_sd([r.score_per_output.value for r in self.runs])

    @property
    def cost_per_task(self) -> Spread:
        return mean_and_sd([r.cost_per_task for r in self.runs])

    def to_json(self) -> dict[str, Any]:
        """The arm and its runs as JSON-ready values."""
        return {
            "label": self.label,
            "runs": [r.to_json() for r in self.runs],
            "score_per_task": _spread(self.score_per_task),
            "score_per_output": _spread(self.score_per_output),
            "cost_per_task": _spread(self.cost_per_task),
        }


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """Arm ``b`` against arm ``a``, task by task.

    Attributes:
        a, b: the arms' labels.
        tasks: tasks compared.
        test: the paired test (see ``Test``).
        p_value: its two-sided p-value.
        mcnemar: the McNemar counts, when that is the test.
        score_difference: the mean over tasks of B's score (or solve rate) minus A's, with a
            paired bootstrap interval.
        only_a: tasks solved by some run of A and by no run of B.
        only_b: tasks solved by some run of B and by no run of A.
    """

    a: str
    b: str
    tasks: int
    test: Test
    p_value: float
    mcnemar: McNemar | None
    score_difference: Interval
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]

    @property
    def significant(self) -> bool:
        """True when the test's p-value is below ``ALPHA`` (0.05)."""
        return self.p_value < ALPHA

    @property
    def better(self) -> str | None:
        """The label of the better arm when the difference is significant, else None.

        Better is the side with more tasks solved only by it (McNemar), or with the higher
        mean solve rate (signed-rank test).
        """
        if not self.significant:
            return None
        if self.mcnemar is not None:
            lead = float(self.mcnemar.only_b - self.mcnemar.only_a)
        else:
            lead = self.score_difference.value
        return self.b if lead > 0 else self.a if lead < 0 else None

    def to_json(self) -> dict[str, Any]:
        """The pair as JSON-ready values."""
        return {
            "a": self.a,
            "b": self.b,
            "tasks": self.tasks,
            "test": self.test,
            "p_value": self.p_value,
            "alpha": ALPHA,
            "significant": self.significant,
            "better": self.better,
            "mcnemar": None if self.mcnemar is None else asdict(self.mcnemar),
            "score_difference": _interval(self.score_difference),
            "solved_only_by_a": list(self.only_a),
            "solved_only_by_b": list(self.only_b),
        }


@dataclass(frozen=True, slots=True)
class TaskComparison:
    """One compared task, per arm: its solve rate (its score averaged over the arm's runs),
    whether some run of the arm solved it (every test output right), and its mean cost."""

    task_id: str
    scores: tuple[float, ...]
    solved: tuple[bool, ...]
    costs: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """What the experts of one model and prompt did in one arm (all its runs together)."""

    arm: str
    stats: ExpertStats

    def to_json(self) -> dict[str, Any]:
        s = self.stats
        return {
            "arm": self.arm,
            "model": s.model,
            "prompt": s.prompt,
            "expert_runs": s.experts,
            "iterations": s.iterations,
            "usage": asdict(s.usage),
            "passed_train": s.passed,
            "in_winning_group": s.won,
            "offered_right_outputs": s.right,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Arms of runs compared on the same tasks (see the module docstring).

    Attributes:
        dataset: the dataset name(s) of the runs.
        dataset_hashes: the content hashes of their data (one unless ``intersect`` was used).
        task_ids: the compared tasks, in the first run's finishing order.
        notices: what was left out and why (tasks not finished by every run, ...).
        arms: A, B, ... in the order given.
        pairs: every arm after A against A.
        per_task: each compared task, arm by arm.
        breakdown: per arm, model and prompt; empty when every arm has the same experts.
        sources: the runs as read, per arm (their ``TaskRecord``s, summaries and configs).
    """

    dataset: str
    dataset_hashes: tuple[str, ...]
    task_ids: tuple[str, ...]
    notices: tuple[str, ...]
    arms: tuple[Arm, ...]
    pairs: tuple[PairedDifference, ...]
    per_task: tuple[TaskComparison, ...]
    breakdown: tuple[BreakdownRow, ...]
    sources: tuple[tuple[RunSource, ...], ...] = field(repr=False, compare=False)

    def arm(self, label: str) -> Arm:
        """The arm with this label (``"A"``, ``"B"``, ...).

        Raises:
            KeyError: no arm has it.
        """
        for arm in self.arms:
            if arm.label == label:
                return arm
        raise KeyError(label)

    def pair(self, b: str = "B") -> PairedDifference:
        """Arm ``b`` against A.

        Raises:
            KeyError: no arm but A has that label.
        """
        for pair in self.pairs:
            if pair.b == b:
                return pair
        raise KeyError(b)

    def records(self, task_id: str) -> tuple[tuple[TaskRecord, ...], ...]:
        """The stored records of one compared task, per arm and run.

        Raises:
            KeyError: the task is not one of the compared tasks.
        """
        if task_id not in self.task_ids:
            raise KeyError(task_id)
        return tuple(
            tuple(next(t for t in reversed(run.tasks) if t.task_id == task_id) for run in side)
            for side in self.sources
        )

    def to_json(self) -> dict[str, Any]:
        """Everything but the stored runs, as JSON-ready values (``arcloop compare --json``)."""
        return {
            "dataset": self.dataset,
            "dataset_hashes": list(self.dataset_hashes),
            "confidence": CONFIDENCE,
            "tasks": len(self.task_ids),
            "notices": list(self.notices),
            "arms": [a.to_json() for a in self.arms],
            "pairs": [p.to_json() for p in self.pairs],
            "per_task": [
                {
                    "id": t.task_id,
                    "scores": list(t.scores),
                    "solved": list(t.solved),
                    "costs": list(t.costs),
                }
                for t in self.per_task
            ],
            "breakdown": [r.to_json() for r in self.breakdown],
        }


def _interval(i: Interval) -> dict[str, float]:
    return {"value": i.value, "low": i.low, "high": i.high}


def _spread(s: Spread) -> dict[str, float]:
    return {"mean": s.mean, "sd": s.sd}
