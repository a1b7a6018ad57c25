"""Where sandbox children come from: warm servers (fork) or fresh interpreters (fallback).

All of it runs on the sandbox's private event loop. A ``Child`` is what the parent needs to
drive one evaluation: the job pipe, the result pipe, a way to kill it and its wait status.
A ``WarmServer`` owns one warm interpreter process and the children it hands over; when the
process dies it is started again and waiting callers simply get the next child.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcloop.sandbox._inside import cgroups
from arcloop.sandbox._protocol import ChildExit

logger = logging.getLogger(__name__)

LAUNCH_SCRIPT = str(Path(__file__).with_name("_inside") / "launch.py")
_RESTART_LIMIT = 5
_EXIT_WAIT_S = 5.0


def clean_environment() -> dict[str, str]:
    """The whole environment a sandbox process starts with: no key, no user setting."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def _server_stderr() -> int | None:
    """Where a warm server's own errors go: nowhere, or this process's stderr when
    ``ARCLOOP_SANDBOX_DEBUG`` is set (children always write to /dev/null)."""
    return None if os.environ.get("ARCLOOP_SANDBOX_DEBUG") else subprocess.DEVNULL


class WarmServerDied(Exception):
    """Set as the exit status of every child of a warm process that died: a child's job that
    ends with its warm process was not the program's doing, and is run again elsewhere."""


@dataclass(eq=False)
class Child:
    """One sandbox child, as the parent drives it."""

    pid: int
    job_w: int
    result_r: int
    kill: Callable[[], None]
    status: asyncio.Future[ChildExit | None]
    release: Callable[[], None] = field(default=lambda: None)


def _set_nonblocking(fd: int) -> None:
    os.set_blocking(fd, False)


class WarmServer:
    """One warm interpreter that forks children; restarted transparently when it dies."""

    def __init__(self, loop: asyncio.AbstractEventLoop, settings: dict[str, Any]) -> None:
        self._loop = loop
        self._settings = settings
        self.ready: asyncio.Queue[Child] = asyncio.Queue()
        self._statuses: dict[int, asyncio.Future[ChildExit | None]] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._closing = False
        self._restarts_without_child = 0
        self.broken = False

    @property
    def pid(self) -> int | None:
        """The warm process's pid (None while none runs)."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the warm process (called on the private loop's thread)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        settings = {
            **self._settings,
            "mode": "warm",
            "parent_pid": os.getpid(),
            "sock_fd": theirs.fileno(),
        }
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", LAUNCH_SCRIPT, "server", json.dumps(settings)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=_server_stderr(),
                pass_fds=(theirs.fileno(),),
                env=clean_environment(),
                close_fds=True,
                start_new_session=True,
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._loop.add_reader(ours.fileno(), self._on_readable)

    def want(self) -> None:
        """Ask for one more child to replace the one just taken."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.send(b"W")

    def _on_readable(self) -> None:
        sock = self._sock
        assert sock is not None
        while True:
            try:
                data, ancdata, _, _ = sock.recvmsg(
                    64, socket.CMSG_SPACE(3 * 4), socket.MSG_CMSG_CLOEXEC
                )
            except BlockingIOError:
                return
            except OSError:
                data, ancdata = b"", []
            fds = array.array("i")
            for level, kind, payload in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            if not data:
                for fd in fds:
                    os.close(fd)
                self._died()
                return
            self._message(data, list(fds))

    def _message(self, data: bytes, fds: list[int]) -> None:
        parts = data.split()
        if parts[0] == b"C" and len(fds) == 3:
            job_w, result_r, pidfd = fds
            _set_nonblocking(job_w)
            _set_nonblocking(result_r)
            pid = int(parts[1])
            status: asyncio.Future[ChildExit | None] = self._loop.create_future()
            self._statuses[pid] = status
            self._restarts_without_child = 0
            self.ready.put_nowait(
                Child(
                    pid=pid,
                    job_w=job_w,
                    result_r=result_r,
                    kill=_pidfd_killer(pidfd),
                    status=status,
                    release=lambda: os.close(pidfd),
                )
            )
        elif parts[0] == b"X" and len(parts) == 5:
            waiting = self._statuses.pop(int(parts[1]), None)
            if waiting is not None and not waiting.done():
                end = ChildExit(int(parts[2]), parts[3] == b"1", int(parts[4]) / 1000)
                waiting.set_result(end)
        else:
            for fd in fds:
                os.close(fd)

    def _died(self) -> None:
        self._stop_process()
        self._drop_ready()
        for status in self._statuses.values():
            if not status.done():
                status.set_exception(WarmServerDied())
                status.exception()  # retrieved: children nobody waits for must not log it
        self._statuses.clear()
        if self._closing:
            return
        self._restarts_without_child += 1
        if self._restarts_without_child > _RESTART_LIMIT:
            logger.error("sandbox warm process keeps dying before forking; giving up on it")
            self.broken = True
            return
        logger.warning("sandbox warm process died; starting a new one")
        self.start()

    def _stop_process(self) -> None:
        """End the warm process and everything it started, and wait until all of it is gone.

        Closing the socket asks the server to exit; as pid 1 of its PID namespace its end
        kills every child, and the process we started ends with it. Only a server that does
        not answer in time is killed (its children then die with it, a moment later).
        """
        if self._sock is not None:
            self._loop.remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=_EXIT_WAIT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self._proc.kill()
                self._proc.wait()
            if self._settings["cgroups"]:  # its children are dead: their cgroups can go
                cgroups.remove(self._proc.pid)
            self._proc = None

    def _drop_ready(self) -> None:
        """Discard the children handed over but not taken (they die with their server)."""
        while not self.ready.empty():
            child = self.ready.get_nowait()
            child.kill()
            _close_fds(child)
            child.release()

    def close(self) -> None:
        """Kill the warm process (its children die with it) and drop waiting children."""
        self._closing = True
        self._stop_process()
        self._drop_ready()
        for status in self._statuses.values():
            if not status.done():
                status.set_result(None)


def _pidfd_killer(pidfd: int) -> Callable[[], None]:
    def kill() -> None:
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)

    return kill


def _close_fds(child: Child) -> None:
    for fd in (child.job_w, child.result_r):
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
    child.job_w = child.result_r = -1


async def spawn_fresh(settings: dict[str, Any], tmpdir: str) -> Child:
    """Start a fresh interpreter as one child (the fallback when warm forking is unsafe)."""
    loop = asyncio.get_running_loop()
    result_r, result_w = os.pipe()
    job_r, job_w = os.pipe()
    payload = {
        **settings,
        "mode": "single",
        "tmpdir": tmpdir,
        "parent_pid": os.getpid(),
        "result_fd": result_w,
    }
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            LAUNCH_SCRIPT,
            "server",
            json.dumps(payload),
            stdin=job_r,
            stdout=subprocess.DEVNULL,
            pass_fds=(result_w,),
            env=clean_environment(),
            start_new_session=True,
            stderr=_server_stderr(),
        )
    except BaseException:
        os.close(job_w)
        os.close(result_r)
        raise
    finally:
        os.close(job_r)
        os.close(result_w)
    _set_nonblocking(job_w)
    _set_nonblocking(result_r)

    def kill() -> None:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)

    async def wait() -> ChildExit | None:
        code = await proc.wait()
        return ChildExit(-code if code < 0 else code << 8)  # back to a raw wait status

    status = loop.create_task(wait())
    return Child(pid=proc.pid, job_w=job_w, result_r=result_r, kill=kill, status=status)


def probe_machine() -> dict[str, Any]:
    """Run the confinement probe in a fresh interpreter (never forks the caller)."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", LAUNCH_SCRIPT, "probe"],
            capture_output=True,
            timeout=30,
            env=clean_environment(),
            check=False,
        )
        facts = json.loads(done.stdout or b"{}")
    except (OSError, subprocess.SubprocessError, ValueError):
        facts = {}
    return facts if isinstance(facts, dict) else {}
