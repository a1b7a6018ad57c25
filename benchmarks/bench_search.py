"""Benchmark the offline search (``local/search``) on the bundled ARC datasets.

For each task: run ``search`` (test outputs removed), exec the top programs' emitted source on
the test inputs, and score pass@2 (a task counts when, for every test input, one of the top-2
programs' outputs equals the expected output). Prints per dataset: tasks solved, the share of
tasks where the top program fits every train pair, how often such a fitting program's test
answer is right (precision), and CPU seconds per task (per core).

Usage:
    python benchmarks/bench_search.py   # ARC-AGI-1 evaluation and training, ARC-AGI-2 evaluation
    python benchmarks/bench_search.py arc-agi-1/evaluation --limit 50 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arcloop.arc.dataset import load_dataset
from arcloop.arc.task import Task
from arcloop.search import search

DEFAULT_SETS = ("arc-agi-1/evaluation", "arc-agi-1/training", "arc-agi-2/evaluation")


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


def one(task: Task) -> Outcome:
    start = time.process_time()
    programs = search(task.without_solutions(), time_limit_s=10.0, max_programs=2)
    cpu = time.process_time() - start
    expected = task.test_outputs or ()
    answers = [[run_program(p.source, g) for g in task.test_inputs] for p in programs[:2]]
    solved = bool(programs) and all(
        any(a[i] == want for a in answers) for i, want in enumerate(expected)
    )
    top_fits = bool(programs) and programs[0].fits
    top_right = bool(answers) and all(answers[0][i] == w for i, w in enumerate(expected))
    return Outcome(task.id, solved, top_fits, top_right, cpu, programs[0].name if programs else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", default=list(DEFAULT_SETS))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="list solved and wrong-fit tasks")
    args = parser.parse_args()
    for spec in args.datasets:
        tasks = load_dataset(spec).tasks[: args.limit]
        wall = time.perf_counter()
        with multiprocessing.Pool(args.workers) as pool:
            results = pool.map(one, tasks, chunksize=1)
        wall = time.perf_counter() - wall
        solved = sum(r.solved for r in results)
        fits = [r for r in results if r.top_fits]
        right = sum(r.top_right for r in fits)
        cpu = [r.cpu_s for r in results]
        share = 100 * solved / len(results)
        print(
            f"{spec}: solved {solved}/{len(results)} ({share:.1f}%) pass@2; "
            f"top program fits train on {len(fits)}, right on test {right}/{len(fits)} "
            f"({100 * right / max(len(fits), 1):.1f}% precision); "
            f"cpu per task mean {sum(cpu) / len(cpu):.3f} s, max {max(cpu):.2f} s; "
            f"wall {wall:.1f} s on {args.workers} processes"
        )
        if args.show:
            for r in results:
                if r.solved or r.top_fits:
                    mark = "ok " if r.solved else "BAD"
                    print(f"  {mark} {r.task_id} {r.cpu_s:.2f}s {r.name[:150]}")


if __name__ == "__main__":
    main()
