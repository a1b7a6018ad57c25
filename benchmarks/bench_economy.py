"""Benchmark: does ``lean-c`` score as ``poetiq-c`` does for less, and how much is cached?

Side by side in one run, against the fake provider (tests/fakeprovider.py) with a prefix cache
(``PrefixCache``: a prompt is len/4 tokens; cached tokens are its longest prefix, in whole
blocks of 64 tokens, that an earlier prompt began with), real ``arcloop run`` runs of the two
presets on ``--tasks`` synthetic tasks (default 40), with a simulated Gemini 3 Pro right with
probability 30% and 15% per answer:

- each task maps a grid to ``(cell + row + 2 * column) % 10``, three train pairs and one test
  input of 3x3 to 5x5 random grids: a rule the offline search cannot fit, so ``lean-c``'s
  search runs first and leaves every task to the paid experts;
- the simulated model answers that program (right) or the identity (wrong, failing the train
  pairs), by a coin drawn from the prompt text and how often that exact prompt was seen, so
  identical prompts are still independent samples; every answer reports
  ``--completion-tokens`` output tokens (default 4,000: a thinking model's answer);
- dollars are at Gemini 3 Pro's prices in arcloop's model registry (the presets' model).

Printed per preset and chance: the score per task, model calls per task, the share of prompt
tokens the provider's cache served, and dollars per task; then the goals: ``lean-c`` within
0.02 of ``poetiq-c``'s score with at most half its calls per task. Last, a 10-iteration
single-expert run where no program passes (the model is never right), on 5 tasks: the cached
share of ``poetiq-a`` and of ``lean-c`` cut to one paid expert (``--experts 1``); goal: at
least 60% with ``lean-c``'s cache-friendly prompts.

Run from the repo root (a few minutes)::

    python benchmarks/bench_economy.py
    python benchmarks/bench_economy.py --tasks 10 --chances 0.3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from arcloop.cli import main  # noqa: E402
from tests.fakeprovider import FakeProvider, PrefixCache, prompt_text  # noqa: E402

RIGHT = (
    "The rule adds the row and twice the column to each colour.\n\n```python\n"
    "import numpy as np\n\ndef transform(grid):\n"
    "    rows, cols = np.indices(grid.shape)\n    return (grid + rows + 2 * cols) % 10\n```\n"
)
WRONG = "Nothing changes.\n\n```python\ndef transform(grid):\n    return grid\n```\n"


def _rule(grid: list[list[int]]) -> list[list[int]]:
    return [[(v + r + 2 * c) % 10 for c, v in enumerate(row)] for r, row in enumerate(grid)]


def write_tasks(folder: Path, count: int) -> Path:
    """``count`` tasks of the rule above, from a fixed seed."""
    rng = random.Random(17)
    folder.mkdir(parents=True)
    for k in range(count):
        pairs = []
        for _ in range(4):
            rows, cols = rng.randint(3, 5), rng.randint(3, 5)
            grid = [[rng.randint(0, 9) for _ in range(cols)] for _ in range(rows)]
            pairs.append({"input": grid, "output": _rule(grid)})
        task = {"train": pairs[:3], "test": pairs[3:]}
        (folder / f"sim{k:03d}.json").write_text(json.dumps(task))
    return folder


class SimulatedModel:
    """Right with probability ``p_right`` per answer (see the module docstring)."""

    def __init__(self, p_right: float) -> None:
        self.p_right = p_right
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, body: Any) -> str:
        text = prompt_text(body)
        digest = hashlib.sha256(text.encode()).hexdigest()
        with self._lock:
            self._seen[digest] += 1
            nth = self._seen[digest]
        coin = random.Random(f"{digest}/{nth}").random()
        return RIGHT if coin < self.p_right else WRONG


def run_preset(
    preset: str, tasks: Path, out: Path, *, p_right: float, completion_tokens: int, extra: list[str]
) -> dict[str, float]:
    """One ``arcloop run`` of ``preset`` against a fresh fake provider; its figures."""
    cache = PrefixCache(completion_tokens=completion_tokens)
    with FakeProvider(reply=SimulatedModel(p_right), usage=cache) as fake:
        config = out / f"{out.name}.toml"
        config.write_text(
            "[run]\nconcurrency = 8\n\n"
            '[models."gemini/gemini-3-pro-preview"]\n'
            f'api_base = "{fake.url}"\nrate = 1000\nburst = 1000\nmax_in_flight = 64\n'
        )
        args = ["run", "--preset", preset, "-c", str(config), "-d", str(tasks)]
        args += ["--run-dir", str(out / "run"), "-q", "--json", *extra]
        result = CliRunner().invoke(main, args)
        if result.exit_code != 0:
            raise SystemExit(f"{preset}: exit {result.exit_code}: {result.output}")
        summary = json.loads(result.stdout)
    n = summary["tasks"]
    return {
        "score": summary["score_per_task"],
        "calls": summary["calls"] / n,
        "cached": summary["cached_tokens"] / max(summary["prompt_tokens"], 1),
        "dollars": summary["cost_usd"] / n,
        "fake_cached": cache.cached_tokens / max(cache.prompt_tokens, 1),
    }


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--chances", type=float, nargs="+", default=[0.3, 0.15])
    parser.add_argument("--completion-tokens", type=int, default=4000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-economy-") as tmp:
        root = Path(tmp)
        tasks = write_tasks(root / "tasks", args.tasks)
        print(f"{args.tasks} tasks, {args.completion_tokens:,} output tokens per answer")
        print(f"{'preset':10} {'p':>5} {'score':>6} {'calls/task':>11} {'cached':>7} {'$/task':>8}")
        met = True
        for p in args.chances:
            rows = {}
            for preset in ("poetiq-c", "lean-c"):
                out = root / f"{preset}-{p}"
                out.mkdir()
                rows[preset] = r = run_preset(
                    preset,
                    tasks,
                    out,
                    p_right=p,
                    completion_tokens=args.completion_tokens,
                    extra=[],
                )
                print(
                    f"{preset:10} {p:5.2f} {r['score']:6.3f} {r['calls']:11.2f}"
                    f" {r['cached']:7.1%} {r['dollars']:8.3f}"
                )
            poetiq, lean = rows["poetiq-c"], rows["lean-c"]
            close = lean["score"] >= poetiq["score"] - 0.02
            half = lean["calls"] <= poetiq["calls"] / 2
            met = met and close and half
            print(
                f"  p={p:.2f}: lean-c score {lean['score'] - poetiq['score']:+.3f} against"
                f" poetiq-c (goal >= -0.02: {_verdict(close)}); calls"
                f" {lean['calls'] / poetiq['calls']:.2f}x (goal <= 0.50: {_verdict(half)});"
                f" $ {lean['dollars'] / poetiq['dollars']:.2f}x"
            )
        few = write_tasks(root / "few", 5)
        print("10-iteration single-expert runs where no program passes (5 tasks):")
        for preset, extra in (("poetiq-a", []), ("lean-c", ["--experts", "1"])):
            out = root / f"{preset}-never"
            out.mkdir()
            r = run_preset(
                preset, few, out, p_right=0.0, completion_tokens=args.completion_tokens, extra=extra
            )
            goal = (
                ""
                if preset == "poetiq-a"
                else f" (goal >= 60%: {'met' if r['cached'] >= 0.6 else 'MISSED'})"
            )
            met = met and (preset == "poetiq-a" or r["cached"] >= 0.6)
            print(f"  {preset:10} {' '.join(extra):12} cached {r['cached']:.1%}{goal}")
        print("all goals met" if met else "some goals MISSED")


if __name__ == "__main__":
    main_()
