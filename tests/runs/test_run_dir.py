"""The run directory belongs to the user: arcloop writes only into a folder that is new, empty,
or a run of its own, resumes with the settings its journal recorded, and says in one line
(exit 2) why it will not use anything else. Nothing of the user's is changed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from arcloop.cli import main

TASKS = "00576224,009d5c81"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["run", "--quiet", "--json", *args])


def _refused(result: Result, expect: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert expect in line, line
    return line


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished two-task run of the offline expert (copied by the tests that change it)."""
    run_dir = tmp_path_factory.mktemp("runs") / "done"
    result = _run("--tasks", TASKS, "--run-dir", str(run_dir))
    assert result.exit_code == 0, result.output
    return run_dir


@pytest.fixture
def run_copy(finished_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    subprocess.run(["cp", "-a", str(finished_run), str(copy)], check=True)
    return copy


def test_a_file_a_device_or_a_path_under_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    _refused(_run("--tasks", TASKS, "--run-dir", str(a_file)), "is a file, not a run directory")
    _refused(_run("--tasks", TASKS, "--run-dir", str(a_file / "run")), f"{a_file} is a file")
    _refused(_run("--tasks", TASKS, "--run-dir", "/dev/null"), "/dev/null: is a device")
    assert a_file.read_text() == "mine"


def test_a_folder_of_the_users_is_never_written_into(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "submission.json").write_text('{"mine": true}')
    (folder / "results.jsonl").write_text("my results\n")
    before = _snapshot(folder)
    _refused(
        _run("--tasks", TASKS, "--run-dir", str(folder)),
        "holds a run's files but no journal.sqlite",
    )
    (folder / "submission.json").unlink()
    (folder / "results.jsonl").unlink()
    (folder / "thesis.tex").write_text("chapter 1")
    before = _snapshot(folder)
    _refused(_run("--tasks", TASKS, "--run-dir", str(folder)), "is not empty and holds no arcloop")
    assert _snapshot(folder) == before


def test_an_empty_folder_takes_a_new_run(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    result = _run("--tasks", "00576224", "--run-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / "journal.sqlite").is_file()


def test_a_deleted_config_resumes_with_the_journals_settings(run_copy: Path) -> None:
    (run_copy / "config.toml").unlink()
    result = _run("--run-dir", str(run_copy))
    assert result.exit_code == 0, result.output
    assert "config.toml is missing; resuming with the settings recorded in the journal" in (
        result.stderr
    )
    summary = json.loads(result.stdout)
    assert summary["tasks"] == 2  # not the 400 tasks of the defaults
    assert summary["calls"] == 0
    assert (run_copy / "config.toml").is_file()  # its copy is written again


def test_an_edited_config_that_contradicts_the_journal_is_refused(run_copy: Path) -> None:
    config = run_copy / "config.toml"
    original = config.read_text()
    edited = original.replace('{ model = "local/search" }', '{ model = "local/search", seed = 7 }')
    assert edited != original
    config.write_text(edited)
    _refused(_run("--run-dir", str(run_copy)), "was edited and now differs from the settings")
    config.write_text("# my notes\n" + original + "\n")
    assert _run("--run-dir", str(run_copy)).exit_code == 0  # comments are no conflict


@pytest.mark.parametrize(
    ("damage", "expect"),
    [
        ("empty", "is empty (0 bytes)"),
        ("deleted", "holds a run's files but no journal.sqlite"),
        ("dropped table", "no table 'candidates'"),
        ("corrupt", "cannot be read as an arcloop journal"),
    ],
)
def test_a_damaged_journal_is_refused_not_restarted(
    run_copy: Path, damage: str, expect: str
) -> None:
    journal = run_copy / "journal.sqlite"
    if damage == "empty":
        journal.write_bytes(b"")
    elif damage == "deleted":
        journal.unlink()
    elif damage == "dropped table":
        conn = sqlite3.connect(journal)
        conn.execute("DROP TABLE candidates")
        conn.commit()
        conn.close()
    else:
        data = bytearray(journal.read_bytes())
        data[100:4096] = os.urandom(3996)
        journal.write_bytes(bytes(data))
    before = _snapshot(run_copy)
    _refused(_run("--run-dir", str(run_copy)), expect)
    assert _snapshot(run_copy) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KiB tmpfs: a disk that fills up (needs root, which CI has)."""
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip("mounting a small disk needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_is_one_clear_line_and_a_resume_loses_nothing(small_disk: Path) -> None:
    run_dir = small_disk / "run"
    result = _run("--limit", "6", "--run-dir", str(run_dir))
    line = _refused(result, str(run_dir))
    assert "full" in line
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        kept = conn.execute("SELECT count(*) FROM task_results").fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    resumed = _run("--run-dir", str(run_dir))
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    assert summary["tasks_done"] == 6
    assert kept >= 1  # what was finished before the disk filled was kept, not bought again


def test_a_new_run_under_a_read_only_path_is_one_line(small_disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    _refused(_run("--tasks", TASKS, "--run-dir", str(small_disk / "run")), "not writable")
