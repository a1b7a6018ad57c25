"""Spending less, end to end: cached tokens in the summary, lean-c's flags, the deadline."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from arcloop.cli import main
from tests.fakeprovider import FakeProvider, PrefixCache
from tests.runs.test_run_e2e import _config, _summary, _write_tasks

IDENTITY = "```python\ndef transform(grid):\n    return grid\n```"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["run", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cache_friendly_prompts_are_served_from_the_cache_and_summed_per_model(
    tmp_path: Path,
) -> None:
    tasks = _write_tasks(tmp_path / "tasks", n_mirror=1)
    cache = PrefixCache()
    with FakeProvider(reply=lambda body: IDENTITY, usage=cache) as fake:
        config = _config(tmp_path / "c.toml", fake)
        text = config.read_text().replace(
            "[run]\n", "[solver]\ncache_friendly_prompts = true\n\n[run]\n"
        )
        config.write_text(text)
        code, out, err = _run(
            "-c", str(config), "-d", str(tasks), "--run-dir", str(tmp_path / "run"),
            "--iterations", "4", "--json", "-q",
        )  # fmt: skip
        assert code == 0, err
    summary = json.loads(out)
    assert summary["version"] == 4
    assert summary["prompt_tokens"] == cache.prompt_tokens
    assert summary["cached_tokens"] == cache.cached_tokens > summary["prompt_tokens"] / 2
    (model,) = summary["models"]
    assert summary["models"][model]["cached_tokens"] == summary["cached_tokens"]
    assert summary["models"][model]["calls"] == summary["calls"]
    lines = [json.loads(x) for x in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert sum(x["cached_tokens"] for x in lines) == summary["cached_tokens"]


def test_a_deadline_already_past_starts_no_task_and_leaves_a_valid_submission(
    tmp_path: Path,
) -> None:
    tasks = _write_tasks(tmp_path / "tasks")
    with FakeProvider(reply=lambda body: IDENTITY) as fake:
        config = _config(tmp_path / "c.toml", fake)
        config.write_text(config.read_text().replace("[run]\n", "[run]\ndeadline_s = 1e-9\n"))
        run_dir = tmp_path / "run"
        code, out, err = _run("-c", str(config), "-d", str(tasks), "--run-dir", str(run_dir))
        assert code == 0, err
        assert fake.count == 0
    summary = _summary(run_dir)
    assert summary["status"] == "stopped_by_deadline" and summary["tasks_done"] == 0
    assert not summary["stopped_by_budget"]
    submission = json.loads((run_dir / "submission.json").read_text())
    assert sorted(submission) == sorted(p.stem for p in tasks.iterdir())
    assert "the deadline was reached" in out


def test_a_bad_deadline_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("--deadline", "soon", "--run-dir", str(tmp_path / "run"))
    assert code == 2
    assert "'soon': give a positive duration, e.g. 12h, 90m or 600s" in err
    assert not (tmp_path / "run").exists()


def test_experts_and_model_flags_leave_lean_c_search_alone(tmp_path: Path) -> None:
    from arcloop.runs.config import Overrides, resolve

    config = resolve(preset="lean-c", overrides=Overrides(experts=2, model="openai/x"))
    entries = config.document["experts"]
    assert [(e["model"], e.get("count")) for e in entries] == [
        ("local/search", 1),
        ("openai/x", 2),
    ]
