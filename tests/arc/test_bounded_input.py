"""Hostile and careless input files: each is one line naming the file, exit 2, no traceback,
and nothing is read without bound (FIFOs and devices are refused before a byte is read)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from arcloop.cli import main

TASK = {"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[1]], "output": [[2]]}]}


def _one_line_exit_2(args: list[str], *, expect: str) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert expect in line, line
    return line


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        path.write_text(text)
    else:
        path.write_bytes(text)
    return path


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            json.dumps({"train": [{"input": [[1]], "output": [[2]]}]})[:-1] + ', "test": []}',
            "has no test inputs",
        ),
        (
            '{"train": [{"input": [[' + "7" * 5000 + ']], "output": [[1]]}], "test": []}',
            "an integer of 5000 digits",
        ),
        ('{"train": [], "train": [], "test": []}', "the key 'train' appears twice"),
        ('{"train": [{"input": [[NaN]], "output": [[1]]}], "test": []}', "NaN is not"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_malformed_task_files(tmp_path: Path, content: str | bytes, expect: str) -> None:
    path = _write(tmp_path / "t.json", content)
    line = _one_line_exit_2(["show", "t", "--dataset", str(path)], expect=expect)
    assert str(path) in line


def test_too_many_pairs_are_refused_before_any_work(tmp_path: Path) -> None:
    pairs = [{"input": [[1]], "output": [[2]]}] * 14_000
    path = _write(tmp_path / "big.json", json.dumps({"train": pairs, "test": TASK["test"]}))
    _one_line_exit_2(
        ["show", "big", "--dataset", str(path)], expect="has 14000 train entries; at most 32"
    )


def test_a_fifo_or_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "task.json"
    os.mkfifo(fifo)
    _one_line_exit_2(["show", "x", "--dataset", str(fifo)], expect="is a FIFO, not a regular file")
    _one_line_exit_2(
        ["show", "x", "--dataset", "/dev/zero"], expect="is a character device, not a regular"
    )
    _one_line_exit_2(
        ["score", "/dev/zero", "--dataset", "arc-agi-1/evaluation"],
        expect="/dev/zero: is a character device",
    )


def test_the_size_limit_can_be_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "t.json", json.dumps(TASK) + " " * 3_000_000)
    monkeypatch.setenv("ARCLOOP_MAX_INPUT_MIB", "2")
    _one_line_exit_2(
        ["show", "t", "--dataset", str(path)],
        expect="is 2.9 MiB; the limit is 2.0 MiB (set ARCLOOP_MAX_INPUT_MIB to change it)",
    )
    monkeypatch.setenv("ARCLOOP_MAX_INPUT_MIB", "4")
    assert CliRunner().invoke(main, ["show", "t", "--dataset", str(path)]).exit_code == 0


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"[run]\nlimit = 5\n# \xff\xfe\n", "not UTF-8"),
        ("x = " + "[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ("[run]\nlimit = " + "9" * 5000, "not valid TOML"),
        ("[run]\nlimit = 1\n[run]\nlimit = 2\n", "not valid TOML"),
    ],
)
def test_malformed_config_files(tmp_path: Path, content: str | bytes, expect: str) -> None:
    path = _write(tmp_path / "c.toml", content)
    line = _one_line_exit_2(
        ["run", "-c", str(path), "--run-dir", str(tmp_path / "r")], expect=expect
    )
    assert str(path) in line
    assert not (tmp_path / "r").exists()


def test_deep_json_in_a_submission_and_a_solutions_file(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    sub = _write(tmp_path / "submission.json", deep)
    _one_line_exit_2(["score", str(sub)], expect="nested too deeply")
    challenges = _write(tmp_path / "x_challenges.json", json.dumps({"a": TASK}))
    _write(tmp_path / "x_solutions.json", deep)
    _one_line_exit_2(["show", "a", "--dataset", str(challenges)], expect="x_solutions.json")


def test_challenges_whose_outputs_contradict_their_solutions_are_refused(tmp_path: Path) -> None:
    challenges = _write(tmp_path / "x_challenges.json", json.dumps({"a": TASK}))
    _write(tmp_path / "x_solutions.json", json.dumps({"a": [[[3]]]}))
    _one_line_exit_2(
        ["show", "a", "--dataset", str(challenges)],
        expect="task a: test[0].output differs from solution[0] of the solutions file",
    )
