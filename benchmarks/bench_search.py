"""Benchmark the offline search (``local/search``) on the bundled ARC datasets.

For each task: run ``search`` (test outputs removed), exec the top programs' emitted source on
the test inputs, and score pass@2 (a task counts when, for every test input, one of the top-2
programs' outputs equals the expected output). Prints per dataset: tasks solved, how often the
top program is right on test when it fits every train pair (precision), and CPU seconds per
task (per process), beside the issue's targets.

With ``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/prev <commit>``) it
measures CPU only, side by side: both checkouts search the same tasks at the same time, one
process each, ten tasks at a time, and the ratio of their mean CPU per task is printed, so
that a change of machine or of load cancels out.

With ``--show`` it also prints the per-family ablation: the tasks of the first dataset that the
full search solves are searched again with each primitive family left out, and the tasks lost
are counted (so the margin over a target is visible). Removing a family can only lose tasks
here, since only solved tasks are searched again.

Usage:
    python benchmarks/bench_search.py --show  # the three default sets, then the ablation
    python benchmarks/bench_search.py arc-agi-1/training --limit 50 --workers 2 --list
    python benchmarks/bench_search.py arc-agi-1/training --limit 100 --against /tmp/prev
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arcloop.arc.dataset import load_dataset
from arcloop.arc.task import Task
from arcloop.search import FAMILIES, search

HERE = Path(__file__).resolve().parent.parent
"""This checkout (its code is the one imported above)."""

DEFAULT_SETS = ("arc-agi-1/evaluation", "arc-agi-1/training", "arc-agi-2/evaluation")

TARGETS = {
    "arc-agi-1/evaluation": 100,
    "arc-agi-1/training": 200,
    "arc-agi-2/evaluation": 2,
}
"""Tasks solved (pass@2) that issue 18 asks for."""

TARGET_PRECISION = 90.0
TARGET_MEAN_CPU_S = 1.0


@dataclass(frozen=True)
class Outcome:
    task_id: str
    solved: bool
    top_fits: bool
    top_right: bool
    cpu_s: float
    name: str


def run_program(source: str, grid: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<program>", "exec"), namespace)
    try:
        out = namespace["transform"]([list(r) for r in grid])
        return tuple(tuple(int(v) for v in row) for row in out.tolist())
    except Exception:
        return None


def one(task: Task, off: frozenset[str] = frozenset()) -> Outcome:
    start = time.process_time()
    # the clock is a safety stop only; a generous one keeps a loaded machine deterministic
    programs = search(task.without_solutions(), time_limit_s=60.0, max_programs=2, off=off)
    cpu = time.process_time() - start
    expected = task.test_outputs or ()
    answers = [[run_program(p.source, g) for g in task.test_inputs] for p in programs[:2]]
    solved = bool(programs) and all(
        any(a[i] == want for a in answers) for i, want in enumerate(expected)
    )
    top_fits = bool(programs) and programs[0].fits
    top_right = bool(answers) and all(answers[0][i] == w for i, w in enumerate(expected))
    return Outcome(task.id, solved, top_fits, top_right, cpu, programs[0].name if programs else "")


def run_all(pool: Any, tasks: list[Task], off: frozenset[str] = frozenset()) -> list[Outcome]:
    return list(pool.map(functools.partial(one, off=off), tasks, chunksize=1))


def table_row(spec: str, results: list[Outcome], wall: float) -> str:
    solved = sum(r.solved for r in results)
    fits = [r for r in results if r.top_fits]
    right = sum(r.top_right for r in fits)
    cpu = [r.cpu_s for r in results]
    precision = 100 * right / max(len(fits), 1)
    target = TARGETS.get(spec)
    aim = f">= {target}" if target is not None else "-"
    return (
        f"| {spec} | {solved}/{len(results)} | {aim} | {right}/{len(fits)} = {precision:.1f}% "
        f"| {sum(cpu) / len(cpu):.3f} s | {max(cpu):.2f} s | {wall:.0f} s |"
    )


_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import arcloop.search
from arcloop.arc.dataset import load_dataset
from arcloop.search import search
print(json.dumps(arcloop.search.__file__))
want = set(sys.argv[3:])
cpu = {}
for task in load_dataset(sys.argv[2]).tasks:
    if task.id in want:
        start = time.process_time()
        search(task.without_solutions(), time_limit_s=60.0, max_programs=2)
        cpu[task.id] = time.process_time() - start
print(json.dumps(cpu))
"""
"""Searches the tasks named on its command line with the checkout given first, and prints
where the search was imported from, then the CPU seconds of each task, as JSON lines (run in
a fresh interpreter per checkout)."""

SIDE_BY_SIDE_CHUNK = 10


def side_by_side(spec: str, tasks: list[Task], other: Path) -> tuple[list[float], list[float]]:
    """CPU seconds per task of this checkout and of ``other``, run at the same time."""
    here: list[float] = []
    there: list[float] = []
    for k in range(0, len(tasks), SIDE_BY_SIDE_CHUNK):
        ids = [t.id for t in tasks[k : k + SIDE_BY_SIDE_CHUNK]]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _TIMER, str(root), spec, *ids],
                cwd=root,
                stdout=subprocess.PIPE,
                text=True,
            )
            for root in (HERE.resolve(), other)
        ]
        for proc, sink in zip(procs, (here, there), strict=True):
            out, _ = proc.communicate()
            root = Path(proc.args[3])
            if proc.returncode != 0:
                raise SystemExit(f"the search failed in {root} (exit {proc.returncode})")
            lines = out.splitlines()
            imported = Path(json.loads(lines[-2])).resolve()
            if not imported.is_relative_to(root):
                raise SystemExit(f"{root} has no importable arcloop ({imported} was imported)")
            sink.extend(json.loads(lines[-1]).values())
    return here, there


def print_side_by_side(datasets: list[str], limit: int | None, other: Path) -> None:
    print(f"CPU per task, this checkout ({HERE}) against {other}, run side by side")
    print("| set | tasks | mean CPU here | mean CPU there | here / there | max here | max there |")
    print("|---|---|---|---|---|---|---|")
    for spec in datasets:
        tasks = load_dataset(spec).tasks[:limit]
        here, there = side_by_side(spec, tasks, other)
        mean_here, mean_there = sum(here) / len(here), sum(there) / len(there)
        print(
            f"| {spec} | {len(tasks)} | {mean_here:.3f} s | {mean_there:.3f} s "
            f"| {mean_here / mean_there:.2f} | {max(here):.2f} s | {max(there):.2f} s |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=list(DEFAULT_SETS))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="also print the family ablation")
    parser.add_argument("--list", action="store_true", help="list solved and wrong-fit tasks")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="only compare CPU per task with the checkout in DIR, side by side",
    )
    args = parser.parse_args()
    if args.against is not None:
        if not (args.against / "arcloop" / "search").is_dir():
            parser.error(f"{args.against} is not an arcloop checkout (no arcloop/search in it)")
        print_side_by_side(args.datasets, args.limit, args.against.resolve())
        return
    print(
        f"targets: solved as below; precision >= {TARGET_PRECISION:.0f}%; "
        f"mean CPU <= {TARGET_MEAN_CPU_S:.1f} s per task"
    )
    print(
        "| set | solved (pass@2) | target | top fits train: right on test | mean CPU "
        "| max CPU | wall |"
    )
    print("|---|---|---|---|---|---|---|")
    first: tuple[list[Task], list[Outcome]] | None = None
    with multiprocessing.Pool(args.workers) as pool:
        for spec in args.datasets:
            tasks = load_dataset(spec).tasks[: args.limit]
            wall = time.perf_counter()
            results = run_all(pool, tasks)
            wall = time.perf_counter() - wall
            print(table_row(spec, results, wall), flush=True)
            if args.list:
                for r in results:
                    if r.solved or r.top_fits:
                        mark = "ok " if r.solved else "BAD"
                        print(f"  {mark} {r.task_id} {r.cpu_s:.2f}s {r.name[:150]}")
            if first is None:
                first = (tasks, results)
        if args.show and first is not None:
            tasks, results = first
            solved = [t for t, r in zip(tasks, results, strict=True) if r.solved]
            print(f"\nablation on {args.datasets[0]}: tasks lost (of {len(solved)} solved)")
            print("| family left out | lost | still solved |")
            print("|---|---|---|")
            for family in FAMILIES:
                again = run_all(pool, solved, frozenset({family}))
                kept = sum(r.solved for r in again)
                print(f"| {family} | {len(solved) - kept} | {kept} |", flush=True)


if __name__ == "__main__":
    main()
