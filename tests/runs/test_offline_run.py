"""The bare run (the offline expert) and a mixed ensemble, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from arcloop.cli import main
from tests.fakeprovider import FakeProvider

TASKS = "0c786b71,00576224,3194b014,12eac192"


def _run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["run", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def test_the_offline_run_is_deterministic_and_free(tmp_path: Path) -> None:
    first = _run("--tasks", TASKS, "--run-dir", str(tmp_path / "a"))
    second = _run("--tasks", TASKS, "--run-dir", str(tmp_path / "b"))
    assert first["cost_usd"] == 0.0 and first["calls"] == 0
    assert first["score_per_task"] == second["score_per_task"]
    assert first["score_per_task"] > 0  # 0c786b71 and 12eac192 are within the search's reach
    sub_a = (tmp_path / "a" / "submission.json").read_text()
    assert sub_a == (tmp_path / "b" / "submission.json").read_text()


def test_a_mixed_ensemble_of_the_search_and_a_model(tmp_path: Path) -> None:
    config = tmp_path / "mixed.toml"
    with FakeProvider(reply=lambda body: "no code today") as fake:
        config.write_text(
            f"""
[models."openai/fake"]
api_base = "{fake.openai_base}"
price = {{ input = 1.0, cached_input = 1.0, output = 1.0 }}

[[experts]]
model = "local/search"
iterations = 2

[[experts]]
model = "openai/fake"
iterations = 2
"""
        )
        summary = _run("-c", str(config), "--tasks", TASKS, "--run-dir", str(tmp_path / "m"))
        assert fake.count == 2 * 4
    offline = _run("--tasks", TASKS, "--run-dir", str(tmp_path / "o"))
    # the model never writes a program, so the search's answers carry the vote
    assert summary["score_per_task"] == offline["score_per_task"]
    assert summary["calls"] == 8
    lines = [json.loads(x) for x in (tmp_path / "m" / "results.jsonl").read_text().splitlines()]
    assert all(line["calls"] == 2 for line in lines)
