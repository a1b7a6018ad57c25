"""Compare runs on the same tasks: ``compare(a, b)`` returns a ``Comparison``.

Each side of a comparison is an *arm*: one run, or several runs of one configuration (seeds).
Arms are labelled A, B, C, ... in the order given, and every later arm is compared with A::

    compare("runs/prompt-1", "runs/prompt-2")                    # B (prompt-2) against A
    compare_arms(["runs/x-r1", "runs/x-r2"], ["runs/y-r1", "runs/y-r2"])

Which tasks are compared:

- runs on data with different content hashes are refused (``ComparisonError`` names both)
  unless ``intersect=True``: then only tasks with the same id *and* the same grids in every
  run are compared, and a notice says so;
- of those, the tasks every run finished, with known test outputs. A task some run has not
  finished is left out with a notice (it is not that run's failure), so the scores here can
  differ from a run's own score, which counts unfinished tasks as wrong.

What each pair gets (B against A, task by task):

- one run per arm: the exact McNemar test on solved / not solved (a task is solved when every
  test output is right), and a paired bootstrap interval for the mean per-task score
  difference B − A;
- several runs on either side: each task's *solve rate* per arm (its score averaged over the
  arm's runs), Wilcoxon's signed-rank test on those rates, and a paired bootstrap interval for
  the mean difference of the rates;
- the ids of the tasks solved by only one side (by some run of one arm and no run of the other).

Per arm: the score per task with a bootstrap interval over tasks, per test output with
Wilson's interval, and with several runs the mean ± sd across runs; cost per task and per
solved task, calls, tokens, the cached share of prompt tokens and time. When the arms' experts
differ (models or prompts), a per-model and per-prompt breakdown.

Not here: the statistics (``stats``), the values (``comparison``), printing or drawing.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path

from arcloop.errors import ComparisonError, RunDirectoryError
from arcloop.llm.types import Usage
from arcloop.runs.breakdown import count_labels, expert_label, expert_stats
from arcloop.runs.comparison import (
    Arm,
    BreakdownRow,
    Comparison,
    PairedDifference,
    RunScore,
    TaskComparison,
)
from arcloop.runs.record import TaskRecord
from arcloop.runs.source import RunSource, read_run
from arcloop.runs.stats import (
    bootstrap_interval,
    mcnemar_exact,
    signed_rank_test,
    wilson_interval,
)

RunPath = str | Path


def compare(a: RunPath, b: RunPath, *more: RunPath, intersect: bool = False) -> Comparison:
    """Compare runs, one per arm: B (and C, ...) against A.

    Args:
        a, b, more: run directories.
        intersect: compare runs on different data on the tasks they share (same id, same
            grids) instead of refusing.

    Raises:
        RunDirectoryError: a path holds no run.
        ComparisonError: the runs are on different data (without ``intersect``), or they share
            no finished task with known test outputs.
        JournalError: a run's journal or summary cannot be read.
    """
    return compare_arms([a], [b], *([m] for m in more), intersect=intersect)


def compare_arms(
    a: Sequence[RunPath],
    b: Sequence[RunPath],
    *more: Sequence[RunPath],
    intersect: bool = False,
) -> Comparison:
    """Compare arms of one or more runs each (say, one configuration over several seeds):
    B (and C, ...) against A. Arguments and errors as for ``compare``."""
    paths = [list(a), list(b), *(list(m) for m in more)]
    if any(not group for group in paths):
        raise ComparisonError("every arm needs at least one run")
    if len(paths) > len(string.ascii_uppercase):
        raise ComparisonError(f"at most {len(string.ascii_uppercase)} arms can be compared")
    sides = [[_Run(_read(Path(p))) for p in group] for group in paths]
    everyone = [run for side in sides for run in side]
    ids, notices = _common_tasks(everyone, intersect=intersect)
    labels = string.ascii_uppercase
    arms = tuple(
        Arm(label=labels[i], runs=tuple(run.score(ids) for run in side))
        for i, side in enumerate(sides)
    )
    return Comparison(
        dataset=" / ".join(dict.fromkeys(run.stored.dataset for run in everyone)),
        dataset_hashes=tuple(dict.fromkeys(run.stored.dataset_hash for run in everyone)),
        task_ids=tuple(ids),
        notices=tuple(notices),
        arms=arms,
        pairs=tuple(
            _paired(arms[0], arms[i], sides[0], sides[i], ids) for i in range(1, len(sides))
        ),
        per_task=tuple(
            TaskComparison(
                task_id=t,
                scores=tuple(_rate(side, t) for side in sides),
                solved=tuple(any(run.solved(t) for run in side) for side in sides),
                costs=tuple(
                    sum(run.tasks[t].usage.cost_usd for run in side) / len(side) for side in sides
                ),
            )
            for t in ids
        ),
        breakdown=_breakdown(arms, sides, ids),
        sources=tuple(tuple(run.source for run in side) for side in sides),
    )


class _Run:
    """A run as compared: its source and its finished tasks by id."""

    def __init__(self, source: RunSource) -> None:
        assert source.run is not None
        self.source = source
        self.stored = source.run
        self.tasks = {t.task_id: t for t in source.tasks}

    def solved(self, task_id: str) -> bool:
        correct = self.tasks[task_id].correct
        return correct is not None and all(correct)

    def score(self, ids: Sequence[str]) -> RunScore:
        tasks = [self.tasks[t] for t in ids]
        right = sum(sum(t.correct or ()) for t in tasks)
        outputs = sum(len(t.correct or ()) for t in tasks)
        summary = self.source.summary
        return RunScore(
            name=self.source.name,
            path=str(self.source.path),
            status=self.stored.status,
            experts=_experts(tasks[0]),
            tasks=len(tasks),
            solved=sum(self.solved(t) for t in ids),
            score_per_task=bootstrap_interval([t.score or 0.0 for t in tasks]),
            solved_outputs=right,
            outputs=outputs,
            score_per_output=wilson_interval(right, outputs),
            usage=Usage.total(t.usage for t in tasks),
            calls=sum(t.calls for t in tasks),
            replayed_calls=sum(t.replayed_calls for t in tasks),
            task_seconds=round(sum(t.seconds for t in tasks), 3),
            elapsed_s=summary.elapsed_s if summary is not None else None,
        )


def _read(path: Path) -> RunSource:
    source = read_run(path)
    if source.run is None:
        raise RunDirectoryError(f"{path}: the journal holds no run yet")
    return source


def _data(run: _Run) -> str:
    return f"{run.stored.dataset} (sha256 {run.stored.dataset_hash[:16]})"


def _common_tasks(runs: Sequence[_Run], *, intersect: bool) -> tuple[list[str], list[str]]:
    """The ids of the tasks to compare (sorted), and the notices that say what was left out."""
    first = runs[0]
    other = next((r for r in runs if r.stored.dataset_hash != first.stored.dataset_hash), None)
    if other is not None and not intersect:
        raise ComparisonError(
            f"{first.source.path} is on {_data(first)} but {other.source.path} is on"
            f" {_data(other)}: different data; pass --intersect to compare the tasks they share"
        )
    notices: list[str] = []
    every = set(first.tasks).intersection(*(r.tasks for r in runs[1:]))
    some = set(first.tasks).union(*(r.tasks for r in runs[1:]))
    if len(some) > len(every):
        notices.append(
            f"{len(some) - len(every)} task(s) finished by only some of the runs are left out"
        )
    if other is not None:
        same = {t for t in every if all(r.tasks[t].task == first.tasks[t].task for r in runs)}
        notices.append(
            f"the runs are on different data: compared on the {len(same)} task(s) they share"
            " with identical grids"
            + (f" ({len(every) - len(same)} shared id(s) with other grids left out)")
            * (len(same) < len(every))
        )
        every = same
    scored = {t for t in every if all(r.tasks[t].correct for r in runs)}
    if len(scored) < len(every):
        notices.append(f"{len(every) - len(scored)} task(s) without known test outputs left out")
    if not scored:
        raise ComparisonError(
            "the runs share no finished task with known test outputs: nothing to compare"
        )
    return sorted(scored), notices


def _experts(task: TaskRecord) -> tuple[str, ...]:
    """A task's experts as ``model (prompt)``, counted when several are alike."""
    return count_labels(expert_label(e.model, e.prompt) for e in task.experts)


def _rate(side: Sequence[_Run], task_id: str) -> float:
    """The task's solve rate in an arm: its score averaged over the arm's runs."""
    return sum(run.tasks[task_id].score or 0.0 for run in side) / len(side)


def _paired(
    a: Arm, b: Arm, side_a: Sequence[_Run], side_b: Sequence[_Run], ids: Sequence[str]
) -> PairedDifference:
    rates_a = [_rate(side_a, t) for t in ids]
    rates_b = [_rate(side_b, t) for t in ids]
    solved_a = [any(run.solved(t) for run in side_a) for t in ids]
    solved_b = [any(run.solved(t) for run in side_b) for t in ids]
    mcnemar = None
    if len(side_a) == 1 and len(side_b) == 1:
        mcnemar = mcnemar_exact(solved_a, solved_b)
    return PairedDifference(
        a=a.label,
        b=b.label,
        tasks=len(ids),
        test="mcnemar" if mcnemar is not None else "signed-rank",
        p_value=mcnemar.p_value if mcnemar is not None else signed_rank_test(rates_a, rates_b),
        mcnemar=mcnemar,
        score_difference=bootstrap_interval([y - x for x, y in zip(rates_a, rates_b, strict=True)]),
        only_a=tuple(t for t, x, y in zip(ids, solved_a, solved_b, strict=True) if x and not y),
        only_b=tuple(t for t, x, y in zip(ids, solved_a, solved_b, strict=True) if y and not x),
    )


def _breakdown(
    arms: Sequence[Arm], sides: Sequence[Sequence[_Run]], ids: Sequence[str]
) -> tuple[BreakdownRow, ...]:
    """Per arm, model and prompt, when the arms' experts differ (else nothing)."""
    kinds = [
        {(e.model, e.prompt) for run in side for t in ids for e in run.tasks[t].experts}
        for side in sides
    ]
    if all(k == kinds[0] for k in kinds[1:]):
        return ()
    return tuple(
        BreakdownRow(arm=arm.label, stats=stats)
        for arm, side in zip(arms, sides, strict=True)
        for stats in expert_stats((run.tasks[t] for run in side for t in ids), by_prompt=True)
    )
