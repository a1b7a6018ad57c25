"""What the terminal shows at 80 columns, and what each command says when the user errs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from arcloop.arc.dataset import load_dataset
from arcloop.arc.submission import build_submission
from arcloop.cli import main
from arcloop.presets import list_presets
from tests.fakeprovider import FakeProvider


def _arcloop(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_models_shows_every_name_whole_at_80_columns() -> None:
    shown = _arcloop("models")
    assert shown.exit_code == 0, shown.output
    assert _widest(shown.stdout) <= 80 and "…" not in shown.stdout
    names = [row["name"] for row in json.loads(_arcloop("models", "--json").stdout)]
    assert "local/search" in names and "anthropic/claude-sonnet-4-5" in names
    starts = [line.split()[0] for line in shown.stdout.splitlines() if line.strip()]
    assert starts.count("gemini/gemini-3.1-pro-preview") == 2  # limits and prices, settings
    assert all(starts.count(name) == 2 for name in names)
    search = next(line for line in shown.stdout.splitlines() if line.startswith("local/search"))
    assert search.split()[1:4] == ["0", "0", "0"]  # it costs nothing


def test_models_json_is_an_array_with_the_offline_search() -> None:
    rows = json.loads(_arcloop("models", "--json").stdout)
    search = next(r for r in rows if r["name"] == "local/search")
    assert search["input_price"] == search["output_price"] == 0.0 and search["rate"] is None
    assert set(search) == set(rows[0])


def test_presets_show_whole_model_names_at_80_columns() -> None:
    shown = _arcloop("presets")
    assert shown.exit_code == 0
    assert _widest(shown.stdout) <= 80 and "…" not in shown.stdout
    shipped = [p for p in list_presets() if "gemini/gemini-3-pro-preview" in p.models]
    assert len(shipped) >= 3
    assert shown.stdout.count("gemini/gemini-3-pro-preview") == len(shipped)
    assert all(p.name in shown.stdout for p in list_presets())


def _big_task(path: Path) -> list[list[int]]:
    grid = [[(r * 3 + c) % 10 for c in range(30)] for r in range(30)]
    task = {"train": [{"input": grid, "output": grid}], "test": [{"input": grid, "output": grid}]}
    path.write_text(json.dumps(task))
    return grid


def test_show_fits_a_30x30_grid_in_80_columns(tmp_path: Path) -> None:
    grid = _big_task(tmp_path / "big.json")
    shown = _arcloop("show", "big", "-d", str(tmp_path / "big.json"))
    assert shown.exit_code == 0, shown.output
    assert _widest(shown.stdout) <= 80
    rows = [" ".join(map(str, row)) for row in grid]
    assert all(row in shown.stdout for row in rows)  # each row of cells on one line
    assert "train[0] input 30x30" in shown.stdout and "expected output 30x30" in shown.stdout


def test_show_keeps_small_pairs_side_by_side() -> None:
    shown = _arcloop("show", "007bbfb7")
    line = next(x for x in shown.stdout.splitlines() if "train[0] input 3x3" in x)
    assert "output 9x9" in line


def test_datasets_json_is_what_its_help_says() -> None:
    helped = _arcloop("datasets", "--help").stdout
    assert "JSON array" in " ".join(helped.split())
    rows = json.loads(_arcloop("datasets", "--json").stdout)
    assert isinstance(rows, list) and {r["name"] for r in rows} >= {"arc-agi-1/evaluation"}


@pytest.mark.parametrize(
    "command",
    [
        ["models", "--help"],
        ["doctor", "--help"],
        ["score", "--help"],
    ],
)
def test_json_options_say_what_they_print(command: list[str]) -> None:
    helped = " ".join(_arcloop(*command).stdout.split())
    assert "--json" in helped
    said = "array" if command[0] == "models" else "object"
    assert f"--json Print a JSON {said}" in helped or f"--json Print one JSON {said}" in helped


def _submission(ids: list[str]) -> dict[str, object]:
    return {i: [{"attempt_1": [[0]], "attempt_2": [[0]]}] for i in ids}


def test_score_names_the_ids_that_are_not_in_the_dataset(tmp_path: Path) -> None:
    d = load_dataset("arc-agi-2/evaluation")
    sub: dict[str, object] = dict(
        build_submission(
            d.tasks[:2], {t.id: [[g] for g in t.test_outputs or ()] for t in d.tasks[:2]}
        )
    )
    sub.update(_submission(["00576224", "009d5c81"]))  # two ARC-AGI-1 tasks
    path = tmp_path / "submission.json"
    path.write_text(json.dumps(sub))
    shown = _arcloop("score", str(path), "--dataset", "arc-agi-2/evaluation")
    assert shown.exit_code == 0, shown.output
    assert "not in dataset   2 tasks (ignored): 00576224, 009d5c81" in shown.stdout
    scored = json.loads(_arcloop("score", str(path), "-d", "arc-agi-2/evaluation", "--json").stdout)
    assert scored["foreign_tasks"] == ["00576224", "009d5c81"]


def test_score_against_the_wrong_dataset_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "submission.json"
    path.write_text(json.dumps(_submission(["00576224", "009d5c81", "00dbd492"])))
    shown = _arcloop("score", str(path), "--dataset", "arc-agi-2/evaluation")
    assert shown.exit_code == 2
    assert shown.stderr == (
        "arcloop: error: none of the 3 task ids of the submission is in arc-agi-2/evaluation"
        " (00576224, 009d5c81, 00dbd492): is --dataset right?\n"
    )


def test_the_same_challenges_file_has_the_same_hash_in_run_and_score(tmp_path: Path) -> None:
    d = load_dataset("arc-agi-1/evaluation").select(["0c786b71", "00576224"])
    challenges = {
        t.id: {**t.to_json(), "test": [{"input": p["input"]} for p in t.to_json()["test"]]}
        for t in d.tasks
    }
    solutions = {t.id: [[list(r) for r in g] for g in t.test_outputs or ()] for t in d.tasks}
    (tmp_path / "challenges.json").write_text(json.dumps(challenges))
    (tmp_path / "answers.json").write_text(json.dumps(solutions))
    run_dir = tmp_path / "run"
    ran = _arcloop(
        "run", "-d", str(tmp_path / "challenges.json"), "--run-dir", str(run_dir), "--json", "-q"
    )
    assert ran.exit_code == 0, ran.output  # no solutions beside it: nothing to score
    scored = _arcloop(
        "score",
        str(run_dir / "submission.json"),
        "-d",
        str(tmp_path / "challenges.json"),
        "--solutions",
        str(tmp_path / "answers.json"),
        "--json",
    )
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["dataset_hash"] == json.loads(ran.stdout)["dataset_hash"]


def test_user_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "bad.toml").write_text("x = [")
    cases = [
        ["report", str(tmp_path)],
        ["report", str(tmp_path / "nowhere")],
        ["export", str(tmp_path), "--out", str(tmp_path / "o")],
        ["show", "no-such-task"],
        ["score", str(tmp_path / "nowhere.json")],
        ["score", str(tmp_path)],
        ["presets", "no-such-preset"],
        ["models", "-c", str(tmp_path / "bad.toml")],
        ["run", "--tasks", "no-such-task", "--run-dir", str(tmp_path / "r")],
        ["run", "--dataset", "no-such-set"],
        ["run", "--run-dir", str(tmp_path / "file")],
    ]
    for args in cases:
        shown = _arcloop(*args)
        assert shown.exit_code == 2, (args, shown.output)
        assert shown.stderr.startswith("arcloop: error: ") and shown.stderr.count("\n") == 1, args
    assert not (tmp_path / "r").exists()


def test_a_report_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    ran = _arcloop("run", "--tasks", "0c786b71", "--run-dir", str(run_dir), "-q")
    assert ran.exit_code == 0, ran.output
    (tmp_path / "file").write_text("x")
    shown = _arcloop("report", str(run_dir), "--out", str(tmp_path / "file" / "report.html"))
    assert shown.exit_code == 2
    assert (
        shown.stderr.startswith(f"arcloop: error: {tmp_path / 'file'}")
        and shown.stderr.count("\n") == 1
    )


@pytest.mark.slow
def test_a_model_run_prints_no_third_party_warning(tmp_path: Path) -> None:
    """Run as a user does (a fresh interpreter, default warning filters): stderr holds arcloop's
    own notice and nothing from LiteLLM, httpx or pydantic."""
    identity = "```python\ndef transform(grid):\n    return grid\n```"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "ARCLOOP_DEBUG")}
    with FakeProvider(reply=lambda body: identity) as fake:
        ran = subprocess.run(
            [
                sys.executable,
                "-m",
                "arcloop.cli",
                "run",
                "--model",
                "openai/my-model",
                "--api-base",
                fake.openai_base,
                "--tasks",
                "0c786b71",
                "--iterations",
                "2",
                "--run-dir",
                str(tmp_path / "run"),
                "-q",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    assert ran.returncode == 0, ran.stderr
    assert fake.count > 0
    lines = ran.stderr.splitlines()
    assert len(lines) == 1 and "is local, so it is priced at 0" in lines[0], ran.stderr
