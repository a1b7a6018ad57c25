"""``arcloop run --repeat N``: one configuration, N sibling runs with their own expert seeds.

The repeats are the session's (``tests/abruns.py``): ``--repeat 3`` of the plain prompt.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import tomllib
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from arcloop.cli import main
from tests.abruns import Runs


def _summary(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "summary.json").read_text())
    return data


def _solved(run_dir: Path) -> dict[str, bool]:
    lines = (run_dir / "results.jsonl").read_text().splitlines()
    return {x["id"]: all(x["correct"]) for x in map(json.loads, lines)}


def _seeds(run_dir: Path) -> list[int]:
    config = tomllib.loads((run_dir / "config.toml").read_text())
    return [int(e.get("seed", 0)) for e in config["experts"]]


def test_repeat_runs_one_configuration_with_distinct_seeds_in_sibling_dirs(
    ab_runs: Runs,
) -> None:
    assert all(p.is_dir() and p.parent == ab_runs.plain.parent for p in ab_runs.plain_r)
    assert [_seeds(p) for p in ab_runs.plain_r] == [[0], [1], [2]]
    assert ab_runs.requests["plain-rep"] == 3 * 12  # each repeat bought its own answers
    # repeat 1 is the configuration as given: the same prompts, so the same answers
    assert _solved(ab_runs.plain_r[0]) == _solved(ab_runs.plain)
    scores = [_summary(p)["score_per_task"] for p in ab_runs.plain_r]
    assert len(set(scores)) > 1, "three seeds, one score: the seeds did not change anything"


def _calls(run_dir: Path) -> int:
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])


def test_the_same_repeat_command_again_resumes_each_run_and_prints_mean_and_sd(
    ab_runs: Runs, tmp_path: Path
) -> None:
    for run_dir in ab_runs.plain_r:
        shutil.copytree(run_dir, tmp_path / run_dir.name)
    config = ab_runs.folder / "plain-rep.toml"  # its fake provider is gone: nothing may call it
    args = ["run", "-c", str(config), "-d", str(ab_runs.tasks)]
    args += ["--run-dir", str(tmp_path / "plain-rep"), "--repeat", "3"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    assert [_calls(tmp_path / p.name) for p in ab_runs.plain_r] == [12, 12, 12]
    for k in (1, 2, 3):
        assert f"repeat {k} of 3: {tmp_path / f'plain-rep-r{k}'}" in result.stderr
    assert result.stderr.count("resuming the run in") == 3
    scores = [_summary(p)["score_per_task"] for p in ab_runs.plain_r]
    spread = f"{statistics.mean(scores):.3f} ± {statistics.stdev(scores):.3f}"
    assert f"score per task over 3 repeats: {spread} (mean ± sd)" in result.stdout
    assert f"compare with another configuration:\n  arcloop compare --a {tmp_path}" in result.stdout

    listed = CliRunner().invoke(main, [*args, "--json", "-q"])
    assert listed.exit_code == 0, listed.stderr
    summaries = json.loads(listed.stdout)
    assert [s["run_dir"] for s in summaries] == [
        str(tmp_path / f"plain-rep-r{k}") for k in (1, 2, 3)
    ]
    assert [s["score_per_task"] for s in summaries] == scores
