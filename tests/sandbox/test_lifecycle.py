"""Lifecycle and integration: asyncio use, concurrency, close, the fresh fallback, doctor."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from arcloop.errors import SandboxError
from arcloop.sandbox import Failure, ProcessSandbox, SandboxConfig, doctor_report, process
from arcloop.sandbox.doctor import report_from_probe

GRID = ((1, 2), (3, 4))
ROT90 = ((2, 4), (1, 3))
ROTATE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"
LOOP = "def transform(grid):\n    while True:\n        pass\n"


def test_run_from_asyncio_does_not_block_the_event_loop(sandbox: ProcessSandbox) -> None:
    async def main() -> tuple[int, list[tuple[int, ...]]]:
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


def test_close_kills_and_reaps_everything(tmp_path: Path) -> None:
    box = ProcessSandbox(SandboxConfig(timeout_s=2, warm_processes=1))
    with box:
        assert box.run_sync(ROTATE, [GRID])[0].grid == ROT90
        pids = box.warm_pids()
        root = Path(box._root)
        assert root.is_dir()
    assert pids and not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert not root.exists()
    with pytest.raises(SandboxError):
        box.run_sync(ROTATE, [GRID])
    box.close()  # idempotent


def test_async_context_manager() -> None:
    async def main() -> tuple[int, ...] | None:
        async with ProcessSandbox(SandboxConfig(timeout_s=2, warm_processes=1)) as box:
            outcomes = await box.run(ROTATE, [GRID])
        return outcomes[0].grid

    assert asyncio.run(main()) == ROT90


def test_fresh_fallback_runs_and_contains() -> None:
    with ProcessSandbox(SandboxConfig(mode="fresh", timeout_s=1.5)) as box:
        assert box.mode == "fresh"
        assert box.warm_pids() == []
        assert box.run_sync(ROTATE, [GRID, GRID])[1].grid == ROT90
        failure = box.run_sync(LOOP, [GRID])[0].failure
        assert failure is not None and failure.kind == "timeout"
        fork = "import os\ndef transform(grid):\n    os.fork()\n    return grid\n"
        failure = box.run_sync(fork, [GRID])[0].failure
        assert failure is not None and failure.message.startswith("PermissionError")


def test_doctor_report_names_every_protection() -> None:
    report = doctor_report()
    names = [c.name for c in report.checks]
    assert "seccomp" in names and "Landlock filesystem" in names
    assert report.lines()[0] == report.verdict
    assert report.verdict.startswith(f"sandbox mode: {report.mode}")
    assert report.mode == ("fresh" if report.missing else "warm")


def test_missing_protections_force_the_fallback_and_are_named() -> None:
    report = report_from_probe({"landlock_abi": 0, "seccomp": False, "user_namespaces": True})
    assert report.mode == "fresh"
    assert report.missing == ("Landlock", "seccomp")
    assert report.verdict == (
        "sandbox mode: fresh (missing: Landlock, seccomp; slow fallback, less contained)"
    )
    assert not next(c for c in report.checks if c.name == "seccomp").ok


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
    ("facts", "missing"),
    [
        ({"landlock_abi": 0, "seccomp": True, "user_namespaces": True}, "Landlock"),
        ({"landlock_abi": 7, "seccomp": False, "user_namespaces": False}, "seccomp"),
    ],
)
def test_missing_protection_falls_back_and_warns_once(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    facts: dict[str, object],
    missing: str,
) -> None:
    monkeypatch.setattr(process, "probe_machine", lambda: facts)
    monkeypatch.setattr(process, "_WARNED", set())
    config = SandboxConfig(timeout_s=5, warm_processes=1)
    with caplog.at_level(logging.WARNING, logger="arcloop.sandbox.process"):
        for _ in range(2):
            with ProcessSandbox(config) as box:
                assert box.mode == "fresh"
                assert box.protections().missing == (missing,)
                assert box.run_sync(ROTATE, [GRID])[0].grid == ROT90
    warnings = [r.getMessage() for r in caplog.records if "SANDBOX DEGRADED" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"SANDBOX DEGRADED: {missing} missing")


def test_without_landlock_the_key_holding_parent_becomes_undumpable() -> None:
    # In a fresh interpreter: the change is permanent for the process that makes it.
    script = """
import ctypes
from arcloop.sandbox import ProcessSandbox, SandboxConfig, process
libc = ctypes.CDLL(None)
before = libc.prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
process.probe_machine = lambda: {"landlock_abi": 0, "seccomp": True, "user_namespaces": True}
with ProcessSandbox(SandboxConfig(timeout_s=5, warm_processes=1)) as box:
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
