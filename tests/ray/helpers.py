"""A small dataset and config for Ray runs against the fake provider.

Mirror tasks (the fake model's program solves them at iteration 1) and one transpose task
(it never does), so the number of model calls is known exactly: 2 per mirror task, 4 for
the transpose (two experts, at most two iterations each).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakeprovider import FakeProvider

MIRROR = "```python\nimport numpy as np\n\ndef transform(grid):\n    return np.fliplr(grid)\n```"


def _grid(seed: int, rows: int = 3, cols: int = 4) -> list[list[int]]:
    return [[(seed * 7 + r * 3 + c * 5) % 10 for c in range(cols)] for r in range(rows)]


def write_tasks(folder: Path, *, mirrors: int) -> Path:
    """``mirrors`` mirror tasks and one transpose task, as task JSON files in ``folder``."""
    folder.mkdir()
    for k in range(mirrors):
        grids = [_grid(k * 10 + i) for i in range(4)]
        task = {
            "train": [{"input": g, "output": [r[::-1] for r in g]} for g in grids[:3]],
            "test": [{"input": grids[3], "output": [r[::-1] for r in grids[3]]}],
        }
        (folder / f"mirror{k}.json").write_text(json.dumps(task))
    grids = [_grid(50 + i, 3, 3) for i in range(3)]
    pairs = [{"input": g, "output": [list(r) for r in zip(*g, strict=True)]} for g in grids]
    (folder / "transpose.json").write_text(json.dumps({"train": pairs[:2], "test": pairs[2:]}))
    return folder


def calls_expected(mirrors: int) -> int:
    """Model calls a run of ``write_tasks(mirrors=...)`` makes."""
    return 2 * mirrors + 4


def write_config(
    path: Path, fake: FakeProvider, *, rate: float, concurrency: int, extra: str = ""
) -> Path:
    """A run config: one fake model gated at ``rate`` requests/s (burst 1), two experts."""
    path.write_text(
        f"""
[run]
concurrency = {concurrency}
{extra}

[models."openai/fake"]
api_base = "{fake.openai_base}"
request_timeout = 10
rate = {rate}
burst = 1
max_in_flight = 16
price = {{ input = 1.0, cached_input = 1.0, output = 1.0 }}
props = {{ max_tokens = 1000 }}

[[experts]]
model = "openai/fake"
count = 2
iterations = 2
"""
    )
    return path
