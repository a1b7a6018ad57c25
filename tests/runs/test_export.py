from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from arcloop.cli import main


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
    assert sorted(p.name for p in out.iterdir()) == [f"{i}.json" for i in sorted(ids.split(","))]
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
            assert first["answer"] == (mine[0] if mine else [[0]])
            assert first["correct"] == (line["correct"][i] if mine else None)
            meta = first["metadata"]
            assert meta["model"] == "local/search" and meta["provider"] == "local"
            assert meta["task_id"] == task_id and meta["pair_index"] == i
            assert set(meta["usage"]) >= {"prompt_tokens", "completion_tokens", "total_tokens"}
            assert meta["cost"]["total_cost"] == 0.0
            assert meta["start_timestamp"] <= meta["end_timestamp"]
    assert lines["0c786b71"]["correct"] == [True]


def test_export_errors_are_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == f"arcloop: error: {tmp_path}: no run here (no journal.sqlite)\n"
    result = CliRunner().invoke(
        main, ["export", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "unknown export format 'csv'" in result.stderr
