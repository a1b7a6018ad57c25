"""Benchmark: sandbox throughput with 1 vs 2 Ray worker processes, side by side.

Each worker is the ``RayWorker`` a Ray run uses, with its own ``ProcessSandbox`` limited to
``--sandbox-processes`` warm processes and as many evaluations at once (default 1, so one
worker uses about one core). The driver keeps ``--concurrency`` evaluations in flight per
worker, spread round-robin, of a small program (``np.rot90`` on five 3x3 grids). Printed:
evaluations/s for 1 and 2 workers and their ratio, plus the same sandbox called directly in
this process (no Ray) for reference. On a machine with fewer free cores than workers the
ratio cannot reach the worker count.

Run from the repo root (starts and stops a local Ray)::

    PYTHONPATH=. python benchmarks/bench_ray_sandbox.py [--evaluations 400]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ray  # noqa: E402
import tomli_w  # noqa: E402

from arcloop.llm.budget import RetryPolicy  # noqa: E402
from arcloop.runs.config import resolve  # noqa: E402
from arcloop.runs.ray.cluster import join_cluster, leave_cluster  # noqa: E402
from arcloop.runs.ray.worker import RayWorker  # noqa: E402
from arcloop.sandbox import ProcessSandbox  # noqa: E402

CODE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"
INPUTS = [tuple(tuple((i + r * 3 + c) % 10 for c in range(3)) for r in range(3)) for i in range(5)]


def _config_toml(processes: int) -> str:
    """The default run config with a sandbox of ``processes`` warm processes (validated)."""
    document = {
        **resolve().document,
        "sandbox": {"warm_processes": processes, "max_concurrent": processes},
    }
    return resolve(stored=tomli_w.dumps(document)).to_toml()


async def _throughput(evaluate: Any, lanes: int, evaluations: int) -> float:
    """Evaluations/s with ``lanes`` evaluations in flight through ``evaluate(i)``."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(evaluations):
        queue.put_nowait(i)

    async def lane() -> None:
        while not queue.empty():
            outcomes = await evaluate(queue.get_nowait())
            assert outcomes[0].grid is not None, outcomes[0]

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(lanes)))
    return evaluations / (time.perf_counter() - start)


async def _on_workers(count: int, args: argparse.Namespace) -> float:
    toml = _config_toml(args.sandbox_processes)
    actors = [
        ray.remote(RayWorker)
        .options(num_cpus=1, scheduling_strategy="SPREAD")
        .remote(
            toml,
            name=f"bench-{i}",
            journal=None,
            gates={},
            retry=RetryPolicy(),
            max_run_cost_usd=None,
        )
        for i in range(count)
    ]
    try:
        await asyncio.gather(*(a.start.remote() for a in actors))

        async def evaluate(i: int) -> Any:
            return await actors[i % count].evaluate.remote(CODE, INPUTS)

        await _throughput(evaluate, args.concurrency * count, 20 * count)  # warm up
        return await _throughput(evaluate, args.concurrency * count, args.evaluations)
    finally:
        await asyncio.gather(*(a.stop.remote() for a in actors), return_exceptions=True)
        for actor in actors:
            ray.kill(actor)


async def _direct(args: argparse.Namespace) -> float:
    config = resolve(stored=_config_toml(args.sandbox_processes)).sandbox
    async with ProcessSandbox(config) as sandbox:

        async def evaluate(i: int) -> Any:
            return await sandbox.run(CODE, INPUTS)

        await _throughput(evaluate, args.concurrency, 20)
        return await _throughput(evaluate, args.concurrency, args.evaluations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8, help="in flight per worker")
    parser.add_argument("--sandbox-processes", type=int, default=1, help="per worker")
    args = parser.parse_args()
    direct = asyncio.run(_direct(args))
    lease = join_cluster(None, num_cpus=2)
    try:
        one = asyncio.run(_on_workers(1, args))
        two = asyncio.run(_on_workers(2, args))
    finally:
        leave_cluster(lease)
    print(
        f"sandbox throughput, small program, {args.evaluations} evaluations,"
        f" {args.sandbox_processes} sandbox process(es) per worker,"
        f" {args.concurrency} in flight per worker"
    )
    print(f"  direct ProcessSandbox (no Ray)  {direct:8.1f} evaluations/s")
    print(f"  1 Ray worker                    {one:8.1f} evaluations/s")
    print(f"  2 Ray workers                   {two:8.1f} evaluations/s")
    print(f"  ratio 2 workers / 1 worker      {two / one:8.2f}")
    print(f"  ratio 1 worker / direct         {one / direct:8.2f}")


if __name__ == "__main__":
    main()
