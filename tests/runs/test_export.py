from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner

from arcloop.arc.dataset import load_dataset
from arcloop.cli import main
from tests.runs.harness import score_folder


def test_export_to_the_benchmarking_layout(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    runner = CliRunner()
    ids = "00576224,009d5c81,0c786b71"  # 0c786b71 is solved by the offline search
    result = runner.invoke(main, ["run", "--tasks", ids, "--run-dir", str(run_dir), "-q"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "exported"
    result = runner.invoke(
        main, ["export", str(run_dir), "--format", "benchmarking", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote 3 task files to {out}\n"
    names = sorted(p.name for p in out.iterdir())
    assert names == [".arcloop-export.manifest", *(f"{i}.json" for i in sorted(ids.split(",")))]
    lines = {
        x["id"]: x for x in map(json.loads, (run_dir / "results.jsonl").read_text().splitlines())
    }
    for task_id, line in lines.items():
        entries = json.loads((out / f"{task_id}.json").read_text())
        assert len(entries) == len(line["attempts"])
        for i, entry in enumerate(entries):
            assert set(entry) == {"attempt_1", "attempt_2"}
            first = entry["attempt_1"]
            mine = line["attempts"][i]
            assert first["answer"] == (mine[0] if mine else [[0]])  # as in submission.json
            meta = first["metadata"]
            assert meta["model"] == "local/search" and meta["provider"] == "local"
            assert meta["task_id"] == task_id and meta["pair_index"] == i
            assert set(meta["usage"]) >= {"prompt_tokens", "completion_tokens", "total_tokens"}
            assert meta["cost"]["total_cost"] == 0.0
            assert meta["start_timestamp"] <= meta["end_timestamp"]
    assert lines["0c786b71"]["correct"] == [True]
    data = load_dataset("arc-agi-1/evaluation").select(ids.split(","))
    solutions = {t.id: [[list(r) for r in g] for g in t.test_outputs or ()] for t in data.tasks}
    scored = score_folder(out, solutions)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert scored.score / len(scored.tasks) == summary["score_per_task"]


def test_export_errors_are_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == f"arcloop: error: {tmp_path}: no run here (no journal.sqlite)\n"
    result = CliRunner().invoke(
        main, ["export", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "unknown export format 'csv'" in result.stderr


def _task(task_id: str) -> dict[str, object]:
    return {"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[1]]}]}


def test_hostile_task_ids_stay_inside_out(tmp_path: Path) -> None:
    ids = ["../../escape", "/abs/escape", "nul\x00id", "x" * 300, "..", "ok-id"]
    challenges = tmp_path / "x_challenges.json"
    challenges.write_text(json.dumps({i: _task(i) for i in ids}))
    run_dir = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["run", "--dataset", str(challenges), "--run-dir", str(run_dir), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "deep" / "out"
    result = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == len(ids) + 1  # one file per task, and the manifest
    assert all(len(name.encode()) <= 255 and "/" not in name for name in written)
    assert {unquote(n[: -len(".json")]) for n in written if "%" in n} >= {
        "../../escape",
        "/abs/escape",
        "nul\x00id",
    }
    assert not (tmp_path / "escape.json").exists() and not Path("/abs/escape.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "run", "x_challenges.json"]


def test_export_refuses_a_folder_of_other_files_unless_forced(tmp_path: Path) -> None:
    challenges = tmp_path / "x_challenges.json"
    challenges.write_text(json.dumps({"a": _task("a"), "b": _task("b")}))
    run_dir = tmp_path / "run"
    assert (
        CliRunner()
        .invoke(main, ["run", "-d", str(challenges), "--run-dir", str(run_dir), "-q"])
        .exit_code
        == 0
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.md").write_text("mine")
    refused = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out)])
    assert refused.exit_code == 2
    assert "holds files arcloop did not write (notes.md)" in refused.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.md"]
    forced = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (out / "notes.md").read_text() == "mine"
    assert {"a.json", "b.json"} <= {p.name for p in out.iterdir()}
    again = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out), "--force"])
    assert again.exit_code == 0  # arcloop's own files are replaced, the user's kept
    assert (out / "notes.md").read_text() == "mine"
    old = tmp_path / "old"  # exported by an arcloop whose manifest was .arcloop-export.json
    assert CliRunner().invoke(main, ["export", str(run_dir), "--out", str(old)]).exit_code == 0
    (old / ".arcloop-export.manifest").rename(old / ".arcloop-export.json")
    assert CliRunner().invoke(main, ["export", str(run_dir), "--out", str(old)]).exit_code == 0
    assert sorted(p.name for p in old.iterdir()) == [".arcloop-export.manifest", "a.json", "b.json"]
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(main, ["export", str(run_dir), "--out", str(fresh)]).exit_code == 0
    assert CliRunner().invoke(main, ["export", str(run_dir), "--out", str(fresh)]).exit_code == 0
