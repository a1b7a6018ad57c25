"""A run on a local Ray that arcloop started: killed with SIGKILL, it takes Ray with it (Ray's
own agents outlive a killed driver; arcloop's reaper ends them)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import descendants, still_alive

try:
    import ray  # noqa: F401
except ImportError:  # the [ray] extra is optional; CI installs it and must run this test
    if os.environ.get("CI"):
        raise
    pytest.skip("ray is not installed (pip install 'arcloop[ray]')", allow_module_level=True)


@pytest.mark.slow
def test_a_killed_run_leaves_no_ray_process_behind(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    command = ["run", "--executor", "ray", "--limit", "20", "--quiet", "--run-dir", str(run_dir)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "arcloop.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    results = run_dir / "results.jsonl"
    deadline = time.monotonic() + 110
    while time.monotonic() < deadline and not (results.exists() and results.stat().st_size):
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.2)
    started = descendants(proc.pid)
    assert any(b"raylet" in _cmdline(p) for p in started)
    proc.kill()
    proc.wait()
    left = still_alive(started, within=15)
    assert left == [], [_cmdline(p).replace(b"\0", b" ")[:200] for p in left]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
