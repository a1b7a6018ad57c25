"""Lifecycle and integration: asyncio use, concurrency, close, the fresh fallback, doctor."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from arcloop.arc.grid import Grid
from arcloop.errors import SandboxError, UnsafeSandboxError
from arcloop.sandbox import Failure, ProcessSandbox, SandboxConfig, doctor_report, process
from arcloop.sandbox.doctor import report_from_probe
from tests.processes import descendants

GRID = ((1, 2), (3, 4))
ROT90 = ((2, 4), (1, 3))
ROTATE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"
LOOP = "def transform(grid):\n    while True:\n        pass\n"


def test_run_from_asyncio_does_not_block_the_event_loop(sandbox: ProcessSandbox) -> None:
    async def main() -> tuple[int, list[Grid | None]]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.create_task(ticker())
        stuck = asyncio.create_task(sandbox.run(LOOP, [GRID]))
        results = await asyncio.gather(*(sandbox.run(ROTATE, [GRID]) for _ in range(8)))
        ticks_while_stuck = ticks
        outcome = await stuck
        done.set()
        await tick_task
        assert outcome[0].failure is not None and outcome[0].failure.kind == "timeout"
        return ticks_while_stuck, [r[0].grid for r in results]

    ticks, grids = asyncio.run(main())
    assert grids == [ROT90] * 8
    assert ticks > 0


def test_cancelling_a_run_kills_its_child(sandbox: ProcessSandbox) -> None:
    async def main() -> None:
        task = asyncio.create_task(sandbox.run(LOOP, [GRID]))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert sandbox.run_sync(ROTATE, [GRID])[0].grid == ROT90


def test_close_kills_and_reaps_everything_and_leaves_nothing_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a temp dir would go
    box = ProcessSandbox(SandboxConfig(timeout_s=2, warm_processes=1))
    with box:
        assert box.run_sync(ROTATE, [GRID])[0].grid == ROT90
        (server,) = box.warm_pids()
        deadline = time.monotonic() + 10  # the child handed out is replaced in the background
        started = {server} | descendants(server)
        while len(started) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
            started = {server} | descendants(server)
        assert len(started) >= 3  # the server, pid 1 of its namespace, pre-forked children
        assert list(tmp_path.iterdir()) == []
        groups = list(Path("/sys/fs/cgroup/pids").glob(f"arcloop-{server}"))
    assert not any(Path(f"/proc/{pid}").exists() for pid in started)
    assert not any(g.exists() for g in groups)
    with pytest.raises(SandboxError):
        box.run_sync(ROTATE, [GRID])
    box.close()  # idempotent


def test_async_context_manager() -> None:
    async def main() -> Grid | None:
        async with ProcessSandbox(SandboxConfig(timeout_s=2, warm_processes=1)) as box:
            outcomes = await box.run(ROTATE, [GRID])
        return outcomes[0].grid

    assert asyncio.run(main()) == ROT90


def test_as_root_the_fallback_needs_an_explicit_unsafe_flag() -> None:
    assert os.geteuid() == 0, "the tests run as root (CI does); see test_unprivileged.py"
    with pytest.raises(UnsafeSandboxError, match="--unsafe-sandbox"):
        ProcessSandbox(SandboxConfig(mode="fresh")).start()


def test_fresh_fallback_runs_as_nobody_and_contains() -> None:
    config = SandboxConfig(mode="fresh", timeout_s=5, allow_unsafe=True)
    with ProcessSandbox(config) as box:
        assert box.mode == "fresh"
        assert box.warm_pids() == []
        assert box.run_sync(ROTATE, [GRID, GRID])[1].grid == ROT90
        nap = "import time\ndef transform(grid):\n    time.sleep(1.5)\n    return grid\n"
        with ThreadPoolExecutor(1) as pool:
            napping = pool.submit(box.run_sync, nap, [GRID])
            uids: set[int] = set()
            while not napping.done():
                for pid in descendants(os.getpid()):
                    with contextlib.suppress(OSError):
                        status = Path(f"/proc/{pid}/status").read_text()
                        uids.add(int(status.split("\nUid:")[1].split()[1]))
            assert napping.result()[0].grid == GRID
        assert 65534 in uids  # the child ran as nobody, not as root
        failure = box.run_sync(LOOP, [GRID])[0].failure
        assert failure is not None and failure.kind == "timeout"
        fork = "import os\ndef transform(grid):\n    os.fork()\n    return grid\n"
        failure = box.run_sync(fork, [GRID])[0].failure
        assert failure is not None and failure.message.startswith("PermissionError")


def test_doctor_report_names_every_protection() -> None:
    report = doctor_report()
    names = [c.name for c in report.checks]
    for layer in ("filesystem view", "namespaces", "seccomp allow-list", "Landlock", "thread cap"):
        assert layer in names
    assert report.lines()[0] == report.verdict
    assert report.verdict.startswith(f"sandbox mode: {report.mode}")
    assert report.mode == ("fresh" if report.missing else "warm")
    # This machine (and CI's) offers every layer, so the report says so, and only then.
    assert report.fully_contained and "fully contained" in report.verdict


FULL = {
    "landlock_abi": 7,
    "seccomp": True,
    "namespaces": True,
    "user_namespaces": True,
    "cgroups": ["pids", "memory"],
    "root": True,
}


@pytest.mark.parametrize(
    ("change", "verdict"),
    [
        ({}, "sandbox mode: warm (fast; fully contained: every layer below is on)"),
        (
            {"landlock_abi": 0, "cgroups": []},
            "sandbox mode: warm (fast; contained, but off here: Landlock, memory cgroup)",
        ),
        (
            {"seccomp": False, "namespaces": False, "namespaces_error": "EPERM"},
            "sandbox mode: fresh FALLBACK (missing: namespaces, seccomp; slow and NOT contained:"
            " programs can read any file this user can read; as root it runs only with"
            " --unsafe-sandbox)",
        ),
        (
            {"seccomp": False, "root": False},
            "sandbox mode: fresh FALLBACK (missing: seccomp; slow and NOT contained: programs"
            " can read any file this user can read)",
        ),
    ],
)
def test_the_verdict_says_fully_contained_only_when_every_layer_is_on(
    change: dict[str, object], verdict: str
) -> None:
    report = report_from_probe({**FULL, **change})
    assert report.verdict == verdict
    assert report.fully_contained == (change == {})
    assert all(f"[OFF] {name}:" in "\n".join(report.lines()) for name in report.off)


def test_config_rejects_unknown_and_bad_fields() -> None:
    with pytest.raises(ValidationError):
        SandboxConfig(timeout=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        SandboxConfig(timeout_s=-1)
    assert SandboxConfig().warm_processes == len(os.sched_getaffinity(0))


def test_cpu_limit_is_a_timeout_from_the_wait_status() -> None:
    config = SandboxConfig(timeout_s=20, cpu_seconds=1, warm_processes=1, prefork=1)
    with ProcessSandbox(config) as box:
        outcomes = box.run_sync(LOOP, [GRID, GRID])
    assert [o.failure for o in outcomes] == [Failure("timeout", "CPU limit of 1 s exceeded")] * 2


@pytest.mark.parametrize(
    ("change", "missing"),
    [({"namespaces": False}, "namespaces"), ({"seccomp": False}, "seccomp")],
)
def test_missing_protection_falls_back_and_warns_once(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, object],
    missing: str,
) -> None:
    monkeypatch.setattr(process, "probe_machine", lambda: {**FULL, **change})
    monkeypatch.setattr(process, "_WARNED", set())
    config = SandboxConfig(timeout_s=5, warm_processes=1, allow_unsafe=True)
    with caplog.at_level(logging.WARNING, logger="arcloop.sandbox.process"):
        for _ in range(2):
            with ProcessSandbox(config) as box:
                assert box.mode == "fresh"
                assert box.protections().missing == (missing,)
                assert box.run_sync(ROTATE, [GRID])[0].grid == ROT90
    warnings = [r.getMessage() for r in caplog.records if "SANDBOX DEGRADED" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"SANDBOX DEGRADED: {missing} missing")
    assert "NOT contained" in warnings[0]


def test_warm_mode_refuses_a_machine_without_namespaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "probe_machine", lambda: {**FULL, "namespaces": False})
    with pytest.raises(SandboxError, match="needs namespaces"):
        ProcessSandbox(SandboxConfig(mode="warm")).start()


def test_in_the_fallback_the_key_holding_parent_becomes_undumpable() -> None:
    # In a fresh interpreter: the change is permanent for the process that makes it.
    script = """
import ctypes
from arcloop.sandbox import ProcessSandbox, SandboxConfig
libc = ctypes.CDLL(None)
before = libc.prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
with ProcessSandbox(SandboxConfig(mode="fresh", allow_unsafe=True, timeout_s=5)) as box:
    assert box.mode == "fresh"
print(before, libc.prctl(3, 0, 0, 0, 0))
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "0"]


KILLED_PARENT = """
import json, sys, time
from arcloop.sandbox import ProcessSandbox, SandboxConfig
box = ProcessSandbox(SandboxConfig(timeout_s=30, warm_processes=2))
box.start()
assert box.run_sync("def transform(grid):\\n    return grid\\n", [((1,),)])[0].grid == ((1,),)
print(json.dumps(box.warm_pids()), flush=True)
box.run_sync("def transform(grid):\\n    while True:\\n        pass\\n", [((1,),)])
"""


def test_killing_arcloop_with_sigkill_takes_every_sandbox_process_down() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert proc.stdout is not None
    with proc.stdout:
        servers = json.loads(proc.stdout.readline())
        time.sleep(0.5)  # a child is now looping
        started = set(servers) | {p for s in servers for p in descendants(s)}
        assert len(started) >= 6
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in started):
        time.sleep(0.05)
    assert [p for p in started if Path(f"/proc/{p}").exists()] == []
    # Their cgroups could not be removed by the dead parent: the next sandbox sweeps them.
    stale = [Path(f"/sys/fs/cgroup/pids/arcloop-{s}") for s in servers]
    with ProcessSandbox(SandboxConfig(timeout_s=5, warm_processes=1)) as box:
        assert box.run_sync(ROTATE, [GRID])[0].grid == ROT90
        assert not any(path.exists() for path in stale)
