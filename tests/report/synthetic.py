"""Synthetic run directories for the report's tests and its size measurement.

A run is written the way the runner writes one: solver results (``Iteration``,
``ExpertResult``, the real ``vote``) become a journal row through ``runs.results.task_record`` and
``runs.journal.record_task``; the feedback text is the solver's own. Only the experts are
simulated: each has a seeded skill, its programs get closer to the expected outputs iteration by
iteration, and one that passes every train pair stops early.

``python -m tests.report.synthetic OUT_DIR [TASKS] [EXPERTS] [ITERATIONS] [varied|revised]``
writes a big run (ARC-AGI-2 evaluation, experts that rarely pass) and its report, and prints
the report's size and build time. ``varied`` programs are unrelated from one iteration to the
next (the worst case for compression), ``revised`` ones are edits of the previous iteration.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from arcloop._sqlite import connect
from arcloop._version import __version__
from arcloop.arc.grid import Grid
from arcloop.arc.task import Task
from arcloop.llm.types import Usage
from arcloop.runs.journal import finish_run, migrate, record_task, start_run
from arcloop.runs.results import task_record
from arcloop.runs.summary import RunSummary, write_summary
from arcloop.sandbox.types import Failure, Outcome
from arcloop.solver.feedback import evaluate
from arcloop.solver.results import ExpertResult, Iteration, TaskResult
from arcloop.solver.vote import vote

Program = Callable[[str, int, int], str]
"""(task id, expert, iteration) -> program text."""


@dataclass(frozen=True)
class RunSpec:
    """How to simulate a run.

    Attributes:
        experts: experts per task.
        iterations: the most iterations an expert makes.
        seed: makes everything reproducible.
        with_summary: write ``summary.json`` (a crashed run has none).
        with_calls: keep a ``calls`` table with each iteration's response text.
        program: the program of each iteration (a plausible default when None).
        model: the experts' model string.
        skill: scales every expert's skill (small values: few early stops, a hard run).
    """

    experts: int = 2
    iterations: int = 3
    seed: int = 0
    with_summary: bool = True
    with_calls: bool = False
    program: Program | None = None
    model: str = "openai/fake-model"
    skill: float = 1.0


def default_program(task_id: str, expert: int, iteration: int) -> str:
    """A program of the length and look models write (about 1.5 KB)."""
    rng = random.Random(f"{task_id}:{expert}:{iteration}")
    colour = rng.randrange(10)
    return f'''import numpy as np
from collections import Counter


def find_objects(grid, background={colour}):
    """Connected components of non-background cells (4-neighbourhood)."""
    rows, cols = grid.shape
    seen = np.zeros_like(grid, dtype=bool)
    objects = []
    for r in range(rows):
        for c in range(cols):
            if grid[r, c] == background or seen[r, c]:
                continue
            stack, cells = [(r, c)], []
            seen[r, c] = True
            while stack:
                y, x = stack.pop()
                cells.append((y, x))
                for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < rows and 0 <= nx < cols and not seen[ny, nx]:
                        if grid[ny, nx] == grid[y, x]:
                            seen[ny, nx] = True
                            stack.append((ny, nx))
            objects.append(cells)
    return objects


def transform(grid):
    # expert {expert}, attempt {iteration}: recolour every object by its size rank
    g = np.array(grid, dtype=int)
    counts = Counter(g.flatten().tolist())
    background = counts.most_common(1)[0][0]
    out = g.copy()
    for rank, cells in enumerate(sorted(find_objects(g, background), key=len)):
        for y, x in cells:
            out[y, x] = (rank + {rng.randrange(1, 9)}) % 10
    return out.tolist()
'''


@functools.cache
def _python_corpus() -> str:
    root = Path(__file__).resolve().parents[2] / "arcloop"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py")))


def varied_program(task_id: str, expert: int, iteration: int) -> str:
    """3,000 characters of real, ever different Python (as hard to compress as model code)."""
    corpus = _python_corpus()
    start = random.Random(f"{task_id}:{expert}:{iteration}").randrange(len(corpus) - 3_000)
    return corpus[start : start + 3_000]


def revised_program(task_id: str, expert: int, iteration: int) -> str:
    """A 3,000-character program that each iteration revises: about a fifth of its lines are
    rewritten from one iteration to the next (how refinement usually looks)."""
    lines = varied_program(task_id, expert, 0).splitlines()
    corpus = _python_corpus().splitlines()
    for i in range(1, iteration + 1):
        rng = random.Random(f"{task_id}:{expert}:{i}")
        for k in rng.sample(range(len(lines)), len(lines) // 5):
            lines[k] = corpus[rng.randrange(len(corpus))]
    return "\n".join(lines) + "\n"


def _perturb(grid: Grid, wrong: int, rng: random.Random) -> Grid:
    cells = [list(row) for row in grid]
    n = len(cells) * len(cells[0])
    for k in rng.sample(range(n), min(wrong, n)):
        r, c = divmod(k, len(cells[0]))
        cells[r][c] = (cells[r][c] + rng.randrange(1, 10)) % 10
    return tuple(tuple(row) for row in cells)


def _size(grid: Grid) -> int:
    return len(grid) * len(grid[0])


def _expert(
    task: Task, index: int, spec: RunSpec, calls: list[tuple[int, str, str]]
) -> ExpertResult:
    rng = random.Random(f"{spec.seed}:{task.id}:{index}")
    skill = rng.random() * spec.skill
    program = spec.program or default_program
    truth = task.test_outputs or task.test_inputs
    iterations: list[Iteration] = []
    stop = "iterations"
    for number in range(1, spec.iterations + 1):
        error_share = (
            (1 - skill) * (1 - number / (spec.iterations + 1)) * (0.3 + 0.7 * rng.random())
        )
        if rng.random() < skill**2:
            error_share = 0.0
        if rng.random() < 0.12:
            failure = Failure("exception", "IndexError: index 31 is out of bounds", "Traceback...")
            train = tuple(Outcome(failure=failure) for _ in task.train)
            test = tuple(Outcome(failure=failure) for _ in task.test_inputs)
        else:
            train = tuple(
                Outcome(grid=_perturb(p.output, round(error_share * _size(p.output)), rng))
                for p in task.train
            )
            exact = error_share == 0.0 and rng.random() < 0.85
            test = tuple(
                Outcome(grid=g if exact else _perturb(g, 1 + round(error_share * _size(g)), rng))
                for g in truth
            )
        ev = evaluate(train, [p.output for p in task.train])
        code = program(task.id, index, number)
        call_id = None
        if spec.with_calls:
            call_id = len(calls) + 1
            response = f"Looking at the examples, objects are recoloured.\n```python\n{code}```"
            calls.append((call_id, spec.model, response))
        prompt_tokens = rng.randrange(3_000, 16_000)
        completion_tokens = rng.randrange(800, 9_000)
        iterations.append(
            Iteration(
                number=number,
                call_id=call_id,
                prompt="solver-1",
                program_name=None,
                shown_order=tuple(range(1, len(task.train) + 1)),
                shown_solutions=tuple(range(1, number)),
                code=code,
                extraction_error=None,
                train_outcomes=train,
                test_outcomes=test,
                feedback=ev.text(),
                train_score=ev.score,
                passed=ev.passed,
                usage=Usage(
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    cost_usd=prompt_tokens * 1.25e-6 + completion_tokens * 10e-6,
                    latency_s=rng.uniform(8.0, 120.0),
                ),
            )
        )
        if ev.passed:
            stop = "solved"
            break
    best = max(iterations, key=lambda it: (it.passed, it.train_score, -it.number))
    return ExpertResult(
        index=index,
        seed=spec.seed + index,
        model=spec.model,
        prompt="solver-1",
        iterations=tuple(iterations),
        chosen=best.number,
        stop=stop,  # type: ignore[arg-type]
        calls=len(iterations),
    )


def solve(task: Task, spec: RunSpec, calls: list[tuple[int, str, str]]) -> TaskResult:
    """A simulated ensemble's result on ``task``."""
    experts = tuple(_expert(task, i, spec, calls) for i in range(spec.experts))
    outcome = vote(experts, n_tests=len(task.test_inputs))
    its = [it for e in experts for it in e.iterations]
    return TaskResult(
        task_id=task.id,
        attempts=outcome.attempts,
        experts=experts,
        groups=outcome.groups,
        ranking=outcome.ranking,
        usage=Usage.total(it.usage for it in its),
        calls=len(its),
        replayed_calls=0,
    )


def make_run(
    run_dir: Path, tasks: Sequence[Task], spec: RunSpec = RunSpec(), *, dataset: str = "test"
) -> Path:
    """Write a finished run of ``tasks`` into ``run_dir`` (tasks without test outputs give an
    unscored run) and return ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    config = f'[run]\ndataset = "{dataset}"\n\n[[experts]]\nmodel = "{spec.model}"\n'
    (run_dir / "config.toml").write_text(config)
    conn = connect(run_dir / "journal.sqlite")
    migrate(conn)
    run = start_run(
        conn, version=__version__, dataset=dataset, dataset_hash="ab" * 32, config_toml=config
    )
    calls: list[tuple[int, str, str]] = []
    rows = []
    for i, task in enumerate(tasks):
        finished = f"2026-11-25T12:{i // 60 % 60:02d}:{i % 60:02d}.000Z"
        result = solve(task, spec, calls)
        row = task_record(task, result, seconds=30.0 + i, started_utc="", finished_utc=finished)
        record_task(conn, run.id, row)
        rows.append(row)
    finish_run(conn, run.id, status="finished", stopped_by_budget=False)
    if spec.with_calls:
        _write_calls(conn, calls)
    conn.close()
    if spec.with_summary:
        scored = [r for r in rows if r.score is not None]
        usage = Usage.total(r.usage for r in rows)
        summary = RunSummary(
            dataset=dataset,
            dataset_hash="ab" * 32,
            tasks=len(rows),
            tasks_done=len(rows),
            score_per_task=sum(r.score or 0 for r in scored) / len(rows) if scored else None,
            score_per_output=None,
            solved_outputs=None,
            outputs=sum(len(t.test_inputs) for t in tasks),
            cost_usd=usage.cost_usd,
            calls=sum(r.calls for r in rows),
            replayed_calls=0,
            requests=sum(r.calls for r in rows) + 3,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            rate_limited=3,
            errors={"RateLimitedError": 3, "RequestTimeoutError": 1},
            elapsed_s=95.5,
            stopped_by_budget=False,
            provider_failed_tasks=0,
            status="finished",
            run_dir=str(run_dir),
        )
        write_summary(run_dir, summary)
    return run_dir


def _write_calls(conn: sqlite3.Connection, calls: list[tuple[int, str, str]]) -> None:
    # Only the columns the report reads; the LLM layer's table has many more.
    conn.execute("CREATE TABLE calls (id INTEGER PRIMARY KEY, model TEXT, response TEXT)")
    conn.executemany("INSERT INTO calls (id, model, response) VALUES (?, ?, ?)", calls)


def renamed(task: Task, task_id: str) -> Task:
    """``task`` under another id."""
    return replace(task, id=task_id)


def main(argv: Sequence[str]) -> None:
    """Write a big synthetic run and its report; print size and build time."""
    from arcloop.arc.dataset import load_dataset
    from arcloop.report import write_report
    from arcloop.runs.source import read_run

    out = Path(argv[0])
    n_tasks, experts, iterations = (int(a) for a in [*argv[1:4], "120", "8", "10"][:3])
    program = revised_program if argv[4:5] == ["revised"] else varied_program
    tasks = load_dataset("arc-agi-2/evaluation").tasks[:n_tasks]
    spec = RunSpec(
        experts=experts,
        iterations=iterations,
        with_calls=True,
        skill=0.15,
        program=program,
    )
    start = time.perf_counter()
    make_run(out, tasks, spec, dataset="arc-agi-2/evaluation")
    made = time.perf_counter() - start
    start = time.perf_counter()
    report = write_report(out)
    took = time.perf_counter() - start
    iterations_made = sum(len(x.iterations) for t in read_run(out).tasks for x in t.experts)
    journal = (out / "journal.sqlite").stat().st_size
    print(
        f"{len(tasks)} tasks x {experts} experts x up to {iterations} iterations"
        f" ({iterations_made} made, {program.__name__}):"
        f" journal {journal / 1e6:.1f} MB (written in {made:.1f} s),"
        f" report {report.stat().st_size / 1e6:.2f} MB built in {took:.2f} s"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
