"""``arcloop logs``: the model calls of a real run, filtered, and one call's prompt and response.

The runs are the session's (``tests/abruns.py``); the fake provider answered every call of
``hint`` and refused the first call of ``other`` with HTTP 400.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from arcloop.cli import main
from tests.abruns import MIRROR, Runs


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["logs", *(str(a) for a in args)])


def _json(*args: str | Path) -> Any:
    result = _cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_logs_list_every_call_with_its_task_expert_and_iteration(ab_runs: Runs) -> None:
    calls = _json(ab_runs.hint)
    assert len(calls) == ab_runs.requests["hint"] == 12
    assert sorted(c["task_id"] for c in calls) == [f"mirror{k:02d}" for k in range(12)]
    assert {(c["expert"], c["iteration"], c["status"]) for c in calls} == {(0, 1, "ok")}
    assert {c["model"] for c in calls} == {"openai/fake"}
    # what the fake reported (100 prompt tokens, 20 cached, 50 completion) at the config's prices
    usage = calls[0]["usage"]
    assert (usage["prompt_tokens"], usage["cached_tokens"], usage["completion_tokens"]) == (
        100,
        20,
        50,
    )
    assert usage["cost_usd"] == pytest.approx(80 * 1.0e-6 + 20 * 0.5e-6 + 50 * 2.0e-6)
    text = _cli(ab_runs.hint)
    lines = text.stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "time", "(UTC)", "model"]
    assert len(lines) == 13 and all(" ok" in line for line in lines[1:])


def test_logs_filter_by_task_model_and_status(ab_runs: Runs) -> None:
    (one,) = _json(ab_runs.hint, "--task", "mirror03")
    assert one["task_id"] == "mirror03"
    assert len(_json(ab_runs.hint, "--model", "openai/*")) == 12
    assert _json(ab_runs.hint, "--model", "gemini/*") == []
    assert _cli(ab_runs.hint, "--model", "gemini/*").stdout == "no calls match\n"
    assert _json(ab_runs.hint, "--status", "error") == []
    (failed,) = _json(ab_runs.other, "--status", "error")
    assert failed["status"] == "error" and failed["status_code"] == 400
    assert failed["error_class"] == "FatalProviderError"
    assert len(_json(ab_runs.other, "--status", "ok")) == ab_runs.requests["other"] - 1
    row = next(line for line in _cli(ab_runs.other, "--status", "error").stdout.splitlines()[1:])
    assert "error" in row.split() and "FatalProviderError" in row


def test_logs_show_prints_one_calls_prompt_and_response(ab_runs: Runs) -> None:
    first = _json(ab_runs.hint)[0]
    result = _cli(ab_runs.hint, "--show", str(first["id"]))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"# call {first['id']} · ")
    assert f"task {first['task_id']} · expert 0 · iteration 1" in text
    prompt, response = text.split("## Response")
    assert "## Prompt" in prompt and "### user" in prompt and "HINT: mirror every row." in prompt
    assert response.strip() == MIRROR
    shown = _json(ab_runs.hint, "--show", str(first["id"]))
    assert shown["response"] == MIRROR and shown["id"] == first["id"]
    assert shown["messages"][-1]["role"] == "user"


def test_logs_of_a_missing_call_or_run_are_one_line_and_exit_2(
    ab_runs: Runs, tmp_path: Path
) -> None:
    result = _cli(ab_runs.hint, "--show", "9999")
    assert result.exit_code == 2
    assert result.stderr == f"arcloop: error: {ab_runs.hint}: no call 9999 in this run's journal\n"
    result = _cli(tmp_path)
    assert result.exit_code == 2 and "no journal.sqlite" in result.stderr
