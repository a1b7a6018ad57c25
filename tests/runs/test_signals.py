"""SIGTERM and SIGHUP stop a run as Ctrl-C does (exit 143 and 129, the journal consistent,
resumable), and every process a run starts dies with it, even when it is killed with SIGKILL."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import descendants, still_alive


def _start(run_dir: Path, *, limit: int) -> subprocess.Popen[str]:
    command = ["run", "--limit", str(limit), "--quiet", "--run-dir", str(run_dir)]
    return subprocess.Popen(
        [sys.executable, "-m", "arcloop.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_tasks(run_dir: Path, proc: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 120
    results = run_dir / "results.jsonl"
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and len(results.read_text().splitlines()) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"no {count} finished tasks in time (exit {proc.poll()})")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_the_run_cleanly(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    run_dir = tmp_path / "run"
    proc = _start(run_dir, limit=8)
    _wait_for_tasks(run_dir, proc, 1)
    started = descendants(proc.pid)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert f"stopped by {sig.name}; the journal and submission are consistent" in stderr
    assert "Traceback" not in stderr
    assert still_alive(started, within=5) == []
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = dict(conn.execute("SELECT task_id, finished_utc FROM task_results"))
    assert len(kept) >= 1
    if sig == signal.SIGTERM:  # and the run resumes where it stopped
        resumed = _start(run_dir, limit=8)
        resumed.communicate(timeout=300)
        assert resumed.returncode == 0
        with sqlite3.connect(run_dir / "journal.sqlite") as conn:
            now = dict(conn.execute("SELECT task_id, finished_utc FROM task_results"))
        assert len(now) == 8
        assert {t: now[t] for t in kept} == kept  # finished tasks were not done again


def test_sigkill_takes_every_process_of_the_run_down(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = _start(run_dir, limit=30)
    _wait_for_tasks(run_dir, proc, 1)
    started = descendants(proc.pid)
    assert len(started) >= 4  # sandbox servers and their children, the search pool
    proc.kill()
    proc.wait()
    assert still_alive(started, within=10) == []
    proc.communicate()  # every holder of its output pipes is gone: this returns at once
