"""Sandbox benchmark: a naive fresh-interpreter-per-input baseline vs ``ProcessSandbox``,
and what the second-generation layers cost.

All run the same programs on the same inputs, in one run, sequentially and 8 at a time:

* small: 3x3 grids, 5 inputs, ``np.rot90``;
* large: 30x30 grids, 5 inputs, ``scipy.ndimage.label``.

The baseline is what the approach arcloop rebuilds does: for every input grid, start
``python``, import numpy, exec the program, print the result as JSON on stdout (no limits).

"Without the new per-child layers" is the same sandbox with its per-evaluation additions of
the second generation turned off (each child's own PID namespace, and its pids and memory
cgroups); the filesystem view, the allow-list and the per-child user namespace cost nothing
per evaluation or existed before. The two are measured side by side, alternating.

CPU per evaluation counts this process, the warm processes and every descendant (the reaped
children are in their server's ``cutime``).

    PYTHONPATH=. python benchmarks/bench_sandbox.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from arcloop.arc.grid import Grid, as_grid
from arcloop.sandbox import ProcessSandbox, ProtectionReport, SandboxConfig

SMALL_CODE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"
LARGE_CODE = (
    "import numpy as np\nimport scipy.ndimage\n\n"
    "def transform(grid):\n"
    "    labels, count = scipy.ndimage.label(grid > 0)\n"
    "    sizes = scipy.ndimage.sum_labels(np.ones_like(grid), labels, range(count + 1))\n"
    "    return (labels % 9 + (sizes[labels] > 3)).astype(int) % 10\n"
)

BASELINE_RUNNER = """
import json, sys
import numpy as np
import scipy
job = json.loads(sys.stdin.read())
namespace = {}
exec(job["code"], namespace)
result = namespace["transform"](np.array(job["grid"]))
print(json.dumps(np.asarray(result).tolist()))
"""


@dataclass(frozen=True)
class Measurement:
    """Latency, CPU and throughput of one way of running one workload."""

    median_ms: float
    min_ms: float
    cpu_ms: float
    per_second: float


def _inputs(side: int, seed: int) -> list[Grid]:
    rng = np.random.default_rng(seed)
    return [as_grid(rng.integers(0, 4, size=(side, side)).tolist()) for _ in range(5)]


def _descendants(roots: Sequence[int]) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found: set[int] = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cpu_seconds(pids: Sequence[int]) -> float:
    """CPU of this process, its reaped children, and the given live processes, their live
    descendants and everything those reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _descendants(pids):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    return total


def baseline_evaluation(code: str, inputs: Sequence[Grid]) -> list[Grid]:
    """One fresh interpreter per input grid, result on stdout."""
    outputs = []
    for grid in inputs:
        done = subprocess.run(
            [sys.executable, "-c", BASELINE_RUNNER],
            input=json.dumps({"code": code, "grid": grid}),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        outputs.append(as_grid(json.loads(done.stdout)))
    return outputs


def _measure(
    evaluate: Callable[[], list[Grid]],
    *,
    count: int,
    concurrency: int,
    pids: Callable[[], Sequence[int]],
    expected: list[Grid],
) -> Measurement:
    latencies: list[float] = []

    def one() -> None:
        start = time.perf_counter()
        outputs = evaluate()
        latencies.append(time.perf_counter() - start)
        if outputs != expected:
            raise AssertionError("wrong outputs")

    cpu0, wall0 = _cpu_seconds(pids()), time.perf_counter()
    if concurrency == 1:
        for _ in range(count):
            one()
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            for future in [pool.submit(one) for _ in range(count)]:
                future.result()
    wall = time.perf_counter() - wall0
    cpu = _cpu_seconds(pids()) - cpu0
    return Measurement(
        median_ms=statistics.median(latencies) * 1000,
        min_ms=min(latencies) * 1000,
        cpu_ms=cpu / count * 1000,
        per_second=count / wall,
    )


def _measure_async(
    sandbox: ProcessSandbox,
    code: str,
    inputs: list[Grid],
    *,
    count: int,
    concurrency: int,
    expected: list[Grid],
) -> Measurement:
    """The sandbox driven the way the solver drives it: ``await run`` from one event loop."""
    latencies: list[float] = []

    async def main() -> None:
        slots = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with slots:
                start = time.perf_counter()
                outcomes = await sandbox.run(code, inputs)
                latencies.append(time.perf_counter() - start)
                if [o.grid for o in outcomes] != expected:
                    raise AssertionError("wrong outputs")

        await asyncio.gather(*(one() for _ in range(count)))

    cpu0, wall0 = _cpu_seconds(sandbox.warm_pids()), time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - wall0
    cpu = _cpu_seconds(sandbox.warm_pids()) - cpu0
    return Measurement(
        median_ms=statistics.median(latencies) * 1000,
        min_ms=min(latencies) * 1000,
        cpu_ms=cpu / count * 1000,
        per_second=count / wall,
    )


def _row(name: str, m: Measurement) -> str:
    return (
        f"  {name:<28} median {m.median_ms:8.1f} ms  min {m.min_ms:8.1f} ms  "
        f"CPU/eval {m.cpu_ms:8.1f} ms  {m.per_second:8.2f} evals/s"
    )


class WithoutNewLayers(ProcessSandbox):
    """The sandbox without its second-generation per-child layers (for measuring only)."""

    def _child_settings(self, report: ProtectionReport) -> dict[str, Any]:
        settings = super()._child_settings(report)
        return {**settings, "cgroups": [], "pid_namespaces": False}


def _layers_cost(count: int) -> None:
    print("\ncost of the new per-child layers (small task; side by side, alternating)")
    inputs = _inputs(3, seed=3)
    expected = [o.grid for o in ProcessSandbox(SandboxConfig()).run_sync(SMALL_CODE, inputs)]
    with ProcessSandbox(SandboxConfig()) as full, WithoutNewLayers(SandboxConfig()) as lean:
        for concurrency in (1, 8):
            runs: dict[str, list[Measurement]] = {"with": [], "without": []}
            for _ in range(3):  # alternate, so both see the same machine
                for label, box in (("without", lean), ("with", full)):
                    m = _measure_async(
                        box,
                        SMALL_CODE,
                        inputs,
                        count=count,
                        concurrency=concurrency,
                        expected=expected,
                    )
                    runs[label].append(m)
            best = {k: min(v, key=lambda m: m.median_ms) for k, v in runs.items()}
            label = "sequential" if concurrency == 1 else f"{concurrency} concurrent"
            print(f" {label}:")
            print(_row("without the new layers", best["without"]))
            print(_row("with them (arcloop today)", best["with"]))
            print(
                f"  cost: latency {best['with'].median_ms - best['without'].median_ms:+6.2f} ms"
                f"  CPU {best['with'].cpu_ms - best['without'].cpu_ms:+6.2f} ms/eval"
                f"  throughput {best['with'].per_second / best['without'].per_second:6.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    base_seq, base_conc = (2, 8) if args.quick else (4, 16)
    box_seq, box_conc = (100, 200) if args.quick else (300, 600)

    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    with ProcessSandbox(SandboxConfig()) as sandbox:
        print(f"sandbox mode: {sandbox.mode}; warm processes: {len(sandbox.warm_pids())}")
        for name, code, side in (
            ("small 3x3 rot90", SMALL_CODE, 3),
            ("large 30x30 ndimage.label", LARGE_CODE, 30),
        ):
            inputs = _inputs(side, seed=side)
            expected = baseline_evaluation(code, inputs)
            warmup = sandbox.run_sync(code, inputs)
            assert [o.grid for o in warmup] == expected, warmup
            print(f"\n{name} (5 inputs per evaluation)")
            for concurrency, n_base, n_box in ((1, base_seq, box_seq), (8, base_conc, box_conc)):
                base = _measure(
                    lambda c=code, i=inputs: baseline_evaluation(c, i),
                    count=n_base,
                    concurrency=concurrency,
                    pids=list,
                    expected=expected,
                )
                box = _measure_async(
                    sandbox, code, inputs, count=n_box, concurrency=concurrency, expected=expected
                )
                label = "sequential" if concurrency == 1 else f"{concurrency} concurrent"
                print(f" {label}:")
                print(_row("baseline (python per input)", base))
                print(_row("arcloop ProcessSandbox", box))
                print(
                    f"  ratio: latency {base.median_ms / box.median_ms:6.1f}x  "
                    f"CPU {base.cpu_ms / box.cpu_ms:6.1f}x  "
                    f"throughput {box.per_second / base.per_second:6.1f}x"
                )
    _layers_cost(100 if args.quick else 300)


if __name__ == "__main__":
    main()
