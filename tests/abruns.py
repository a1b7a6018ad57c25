"""Real runs for comparing: ``arcloop run`` on small tasks against a fake model on 127.0.0.1.

The dataset is 12 mirror tasks (``mirror00`` ... ``mirror11``; the last has two test inputs).
The fake model answers with a mirror program (right) or an identity program (wrong):

- when the prompt holds ``HINT``, always right (the "better prompt");
- otherwise right when a hash of the prompt text falls under ``CHANCE`` percent: a coin that
  depends only on the prompt. The experts shuffle the train pairs by their seed, so two runs
  with different seeds toss different coins: the same configuration, different luck.

``make_runs(folder)`` makes, with one expert and one iteration per task:

==============  ================================================================
``plain``       the built-in prompt, seed 0
``plain_seed``  the built-in prompt, seed 7 (same configuration as ``plain``)
``hint``        a prompt file holding ``HINT`` (the better prompt)
``plain_r``     ``--repeat 3`` of the built-in prompt: ``plain-rep-r1`` ... ``-r3``
``hint_r``      ``--repeat 2`` of the hint prompt
``other``       the hint prompt on other data: ``mirror00`` ... ``mirror03`` with
                ``mirror03``'s test output changed; its first model call fails (HTTP 400)
==============  ================================================================
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from arcloop.cli import main
from tests.fakeprovider import FakeProvider, Fault

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "arcloop" / "prompts" / "templates" / "solver-1.txt"

MIRROR = "```python\nimport numpy as np\n\ndef transform(grid):\n    return np.fliplr(grid)\n```"
IDENTITY = "```python\ndef transform(grid):\n    return grid\n```"
CHANCE = 40
TASKS = 12


def _grid(seed: int, rows: int = 3, cols: int = 4) -> list[list[int]]:
    return [[(seed * 7 + r * 3 + c * 5 + r * c) % 10 for c in range(cols)] for r in range(rows)]


def _mirror(grid: list[list[int]]) -> list[list[int]]:
    return [row[::-1] for row in grid]


def write_tasks(folder: Path, count: int = TASKS, *, changed: int | None = None) -> Path:
    """``count`` mirror tasks with three train pairs; the last has two test inputs. Task
    number ``changed`` gets a wrong test output (other data with the same ids)."""
    folder.mkdir(parents=True)
    for k in range(count):
        grids = [_grid(k * 10 + i, 3 + k % 2, 4 + k % 3) for i in range(5)]
        tests = grids[3:] if k == count - 1 else grids[3:4]
        task = {
            "train": [{"input": g, "output": _mirror(g)} for g in grids[:3]],
            "test": [{"input": g, "output": _mirror(g)} for g in tests],
        }
        if k == changed:
            task["test"][0]["output"] = tests[0]
        (folder / f"mirror{k:02d}.json").write_text(json.dumps(task))
    return folder


def reply(body: Any) -> str:
    """The fake model's answer (see the module docstring)."""
    text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    if "HINT" in text:
        return MIRROR
    coin = int(hashlib.sha256(text.encode()).hexdigest(), 16) % 100
    return MIRROR if coin < CHANCE else IDENTITY


def write_config(path: Path, fake: FakeProvider, *, prompt: str, seed: int = 0) -> Path:
    path.write_text(
        f"""
[run]
concurrency = 4

[models."openai/fake"]
api_base = "{fake.openai_base}"
request_timeout = 5
rate = 1000
burst = 100
price = {{ input = 1.0, cached_input = 0.5, output = 2.0 }}

[[experts]]
model = "openai/fake"
prompt = "{prompt}"
iterations = 1
seed = {seed}
"""
    )
    return path


def run(*args: str) -> str:
    """``arcloop run ARGS -q --json``; its stdout (asserting exit code 0)."""
    result = CliRunner().invoke(main, ["run", *args, "-q", "--json"])
    assert result.exit_code == 0, result.stderr or result.output
    return result.stdout


@dataclass(frozen=True)
class Runs:
    """The run directories ``make_runs`` made (see the module docstring), the folder holding
    them and their configs (``<name>.toml``), and the requests each made."""

    folder: Path
    tasks: Path
    plain: Path
    plain_seed: Path
    hint: Path
    plain_r: tuple[Path, ...]
    hint_r: tuple[Path, ...]
    other: Path
    requests: dict[str, int]


def make_runs(folder: Path) -> Runs:
    tasks = write_tasks(folder / "tasks")
    hint_prompt = folder / "hint.txt"
    hint_prompt.write_text("HINT: mirror every row.\n\n" + TEMPLATE.read_text())
    runs = folder / "runs"
    requests: dict[str, int] = {}
    with FakeProvider(reply=reply) as fake:

        def one(name: str, prompt: str, seed: int = 0, *extra: str, data: Path = tasks) -> Path:
            config = write_config(folder / f"{name}.toml", fake, prompt=prompt, seed=seed)
            before = fake.count
            run("-c", str(config), "-d", str(data), "--run-dir", str(runs / name), *extra)
            requests[name] = fake.count - before
            return runs / name

        plain = one("plain", "solver-1")
        plain_seed = one("plain-seed7", "solver-1", 7)
        hint = one("hint", str(hint_prompt))
        one("plain-rep", "solver-1", 0, "--repeat", "3")
        one("hint-rep", str(hint_prompt), 0, "--repeat", "2")
        fake.script(Fault.bad_request())
        other = one(
            "other", str(hint_prompt), data=write_tasks(folder / "other-tasks", 4, changed=3)
        )
    return Runs(
        folder=folder,
        tasks=tasks,
        plain=plain,
        plain_seed=plain_seed,
        hint=hint,
        plain_r=tuple(runs / f"plain-rep-r{k}" for k in (1, 2, 3)),
        hint_r=tuple(runs / f"hint-rep-r{k}" for k in (1, 2)),
        other=other,
        requests=requests,
    )
