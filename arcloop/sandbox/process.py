"""``ProcessSandbox``: run untrusted ``transform`` programs in confined, pre-forked children.

The sandbox owns a private thread running its own event loop; every pipe, deadline and kill
happens there, so ``await sandbox.run(...)`` never blocks the caller's loop and
``run_sync`` works from plain threads (benchmarks, a Ray worker). Evaluations come from warm
servers (``_server.py``: a clean interpreter with numpy and scipy loaded, forking confined
children ahead of need) or, where Landlock or seccomp are missing, from a fresh interpreter
per evaluation with rlimits only.

    with ProcessSandbox(SandboxConfig(timeout_s=5)) as sandbox:
        outcomes = sandbox.run_sync("def transform(g):\\n    return g.T", [((1, 2),)])
        outcomes[0].grid == ((1,), (2,))

Left out: capturing the program's prints (they are discarded), and per-call limits.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal

from arcloop.arc.grid import Grid
from arcloop.errors import SandboxError, UnsafeSandboxError
from arcloop.sandbox._children import (
    Child,
    WarmServer,
    WarmServerDied,
    probe_machine,
    spawn_fresh,
)
from arcloop.sandbox._inside import cgroups
from arcloop.sandbox._inside.namespaces import UNPRIVILEGED
from arcloop.sandbox._protocol import ResultCollector, death_failure
from arcloop.sandbox.config import SandboxConfig
from arcloop.sandbox.doctor import ProtectionReport, report_from_probe
from arcloop.sandbox.types import Failure, Outcome

logger = logging.getLogger(__name__)

# Children that die before starting their job (e.g. their warm server was just killed) are
# replaced: every child already handed over may be such a casualty, plus a few more.
_EXTRA_ATTEMPTS = 3
_STATUS_WAIT_S = 2.0
_CHILD_WAIT_S = 60.0
"""How long to wait for a warm process to hand out a child: a restarted warm process imports
numpy and scipy again, which takes seconds on a loaded machine and is no fault of the program."""
_WARNED: set[tuple[str, ...]] = set()


class ProcessSandbox:
    """Runs programs in confined child processes; implements the ``Sandbox`` protocol.

    Lifecycle: ``start()`` (or the first ``run``) probes the machine, starts the private
    loop and the warm servers; ``close()`` kills every process it started and reaps them.
    Use it as ``with`` or ``async with``; it is safe to construct in any process.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[WarmServer] = []
        self._next_server = 0
        self._slots: asyncio.Semaphore | None = None
        self._root = ""
        self._settings: dict[str, Any] = {}
        self._report: ProtectionReport | None = None
        self._closed = False
        self.mode: Literal["warm", "fresh"] | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Probe the machine and start the warm servers. Idempotent; blocks ~100 ms once."""
        with self._lock:
            if self._closed:
                raise SandboxError("this sandbox is closed")
            if self._loop is not None:
                return
            self._report = report_from_probe(probe_machine())
            self.mode = self._choose_mode(self._report)
            self._settings = self._child_settings(self._report)
            if self.mode == "fresh":
                _protect_parent_environment()
                self._root = tempfile.mkdtemp(prefix="arcloop-sandbox-")
                if self._report.root:  # the children's uid makes its temp dirs there
                    os.chown(self._root, *sandbox_identity_for(self._report))
            if self._settings["cgroups"]:
                cgroups.sweep_stale()
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._loop_main, args=(loop, ready), name="arcloop-sandbox", daemon=True
            )
            self._thread.start()
            ready.wait()
            self._loop = loop
            # A sandbox nobody closed is still closed when the interpreter exits.
            atexit.register(self.close)
            asyncio.run_coroutine_threadsafe(self._setup(), loop).result()

    def _choose_mode(self, report: ProtectionReport) -> Literal["warm", "fresh"]:
        mode = self.config.mode
        if mode == "warm" and report.missing:
            raise SandboxError(
                f"the warm sandbox needs {' and '.join(report.missing)}, which this machine "
                "does not offer (see arcloop doctor)"
            )
        if not report.missing and mode != "fresh":
            return "warm"
        if mode != "fresh" and report.missing not in _WARNED:
            _WARNED.add(report.missing)  # once per process, not once per sandbox
            logger.warning(
                "SANDBOX DEGRADED: %s missing on this machine; every program now runs in a fresh "
                "interpreter per evaluation (slow), NOT contained: it can read any file this "
                "user can read (see arcloop doctor)",
                " and ".join(report.missing),
            )
        if report.root and not self.config.allow_unsafe:
            raise UnsafeSandboxError(
                "arcloop runs as root and the sandbox would run programs in its fallback, which "
                "does not contain them (missing here: "
                f"{', '.join(report.missing) or 'nothing, but the fallback was asked for'}); "
                "run as another user, or pass --unsafe-sandbox to run them anyway"
            )
        return "fresh"

    def _child_settings(self, report: ProtectionReport) -> dict[str, Any]:
        cfg = self.config
        uid, gid = sandbox_identity_for(report)
        return {
            "host_uid": uid,
            "host_gid": gid,
            "cgroups": list(report.cgroups) if self.mode == "warm" else [],
            "max_threads": cfg.max_threads,
            "prefork": cfg.prefork,
            "preload": list(cfg.preload),
            "memory_bytes": cfg.memory_mib << 20,
            "cpu_seconds": cfg.cpu_seconds,
            "file_bytes": cfg.file_mib << 20,
            "open_files": cfg.open_files,
            "disk_bytes": cfg.disk_mib << 20,
            "landlock": report.landlock_abi,
            "seccomp": report.seccomp,
            "tmpfs": report.user_namespaces,
        }

    @staticmethod
    def _loop_main(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()
        loop.close()

    async def _setup(self) -> None:
        self._slots = asyncio.Semaphore(self.config.max_concurrent)
        if self.mode == "warm":
            loop = asyncio.get_running_loop()
            for _ in range(self.config.warm_processes):
                server = WarmServer(loop, self._settings)
                server.start()
                self._servers.append(server)

    def close(self) -> None:
        """Kill every child and warm server, reap them, remove temp dirs. Idempotent."""
        with self._lock:
            self._closed = True
            loop, self._loop = self._loop, None
            if loop is None:
                return
            atexit.unregister(self.close)
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=30)
            if self._root:
                shutil.rmtree(self._root, ignore_errors=True)

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._servers:
            server.close()
        self._servers.clear()

    async def aclose(self) -> None:
        """``close()`` without blocking the caller's event loop."""
        await asyncio.to_thread(self.close)

    def __enter__(self) -> ProcessSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> ProcessSandbox:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ---- introspection ---------------------------------------------------------------------

    def protections(self) -> ProtectionReport:
        """What confines this sandbox's children (starts the sandbox if needed)."""
        self.start()
        assert self._report is not None
        return self._report

    def warm_pids(self) -> list[int]:
        """Pids of the running warm servers (for monitoring and tests)."""
        return [s.pid for s in self._servers if s.pid is not None]

    # ---- running ---------------------------------------------------------------------------

    async def run(self, code: str, inputs: Sequence[Grid]) -> list[Outcome]:
        """Run ``code``'s ``transform`` on every input in one confined child.

        Returns one ``Outcome`` per input, in order. Raises ``SandboxError`` only when the
        sandbox itself cannot work (closed, or no child could be started).
        """
        if self._loop is None:
            await asyncio.to_thread(self.start)
        loop = self._loop
        if loop is None:
            raise SandboxError("this sandbox is closed")
        job = _encode_job(code, inputs)
        future = asyncio.run_coroutine_threadsafe(self._evaluate(job, len(inputs)), loop)
        return await asyncio.wrap_future(future)

    def run_sync(self, code: str, inputs: Sequence[Grid]) -> list[Outcome]:
        """``run`` for callers without an event loop (blocks the calling thread)."""
        self.start()
        loop = self._loop
        if loop is None:
            raise SandboxError("this sandbox is closed")
        job = _encode_job(code, inputs)
        return asyncio.run_coroutine_threadsafe(self._evaluate(job, len(inputs)), loop).result()

    async def _evaluate(self, job: bytes, n: int) -> list[Outcome]:
        if n == 0:
            return []
        assert self._slots is not None
        attempts = self.config.prefork * self.config.warm_processes + _EXTRA_ATTEMPTS
        async with self._slots:
            for _ in range(attempts):
                child = await self._take_child()
                outcomes = await self._drive(child, job, n)
                if outcomes is not None:
                    return outcomes
        raise SandboxError(f"no sandbox child survived until its job ({attempts} attempts)")

    async def _take_child(self) -> Child:
        if self.mode == "fresh":
            tmpdir = tempfile.mkdtemp(dir=self._root)
            if self._report is not None and self._report.root:
                os.chown(tmpdir, *sandbox_identity_for(self._report))
            try:
                child = await spawn_fresh(self._settings, tmpdir)
            except OSError as exc:
                shutil.rmtree(tmpdir, ignore_errors=True)
                raise SandboxError(f"could not start a sandbox interpreter: {exc}") from exc
            child.release = lambda: shutil.rmtree(tmpdir, ignore_errors=True)
            return child
        servers = [s for s in self._servers if not s.broken]
        if not servers:
            raise SandboxError("every sandbox warm process is broken; see the log")
        stocked = [s for s in servers if not s.ready.empty()]
        if stocked:
            server = max(stocked, key=lambda s: s.ready.qsize())
        else:
            self._next_server = (self._next_server + 1) % len(servers)
            server = servers[self._next_server]
        # asyncio.timeout, not wait_for: on Python 3.11, wait_for can swallow a cancellation
        # that arrives as its inner await completes (here and below).
        try:
            async with asyncio.timeout(max(self.config.timeout_s + 5, _CHILD_WAIT_S)):
                child = await server.ready.get()
        except TimeoutError:
            raise SandboxError("a sandbox warm process handed out no child in time") from None
        server.want()
        return child

    async def _drive(self, child: Child, job: bytes, n: int) -> list[Outcome] | None:
        """Give ``child`` its job and collect its results; None when it died before starting."""
        try:
            return await self._collect(child, job, n)
        finally:  # also on cancellation: the child is dead by now, release what it held
            if self.mode == "fresh":  # our own child: reap it before its temp dir goes
                with contextlib.suppress(TimeoutError, WarmServerDied):
                    async with asyncio.timeout(_STATUS_WAIT_S):
                        await asyncio.shield(child.status)
            child.release()

    async def _collect(self, child: Child, job: bytes, n: int) -> list[Outcome] | None:
        cfg = self.config
        collector = ResultCollector(n, max_bytes=cfg.max_output_bytes)
        timed_out = False
        try:
            async with asyncio.timeout(cfg.timeout_s):
                await _write_all(child.job_w, job)
                os.close(child.job_w)
                child.job_w = -1
                while not collector.complete:
                    data = await _read_some(child.result_r)
                    if not data:
                        break
                    collector.feed(data)
        except TimeoutError:
            timed_out = True
        except BrokenPipeError:  # it died before reading its job
            pass
        finally:
            child.kill()
            for fd in (child.job_w, child.result_r):
                if fd >= 0:
                    os.close(fd)
            child.job_w = child.result_r = -1
        if collector.complete and not collector.violation:
            return collector.result()
        if timed_out:
            collector.fill(Failure("timeout", f"wall-clock limit of {cfg.timeout_s} s exceeded"))
        elif collector.violation:
            collector.fill(Failure("killed", collector.violation))
        elif not collector.started:
            return None
        else:
            try:
                async with asyncio.timeout(_STATUS_WAIT_S):
                    status = await asyncio.shield(child.status)
            except TimeoutError:
                status = None
            except WarmServerDied:
                return None  # it died with its warm process, not of its program: run it again
            collector.fill(
                death_failure(status, cpu_seconds=cfg.cpu_seconds, memory_mib=cfg.memory_mib)
            )
        return collector.result()


def _encode_job(code: str, inputs: Sequence[Grid]) -> bytes:
    return json.dumps({"code": code, "inputs": [list(map(list, g)) for g in inputs]}).encode()


async def _wait_fd(fd: int, *, write: bool) -> None:
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not waiter.done():
            waiter.set_result(None)

    if write:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    try:
        await waiter
    finally:
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


async def _read_some(fd: int) -> bytes:
    while True:
        try:
            return os.read(fd, 1 << 16)
        except BlockingIOError:
            await _wait_fd(fd, write=False)


async def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            await _wait_fd(fd, write=True)


def sandbox_identity_for(report: ProtectionReport) -> tuple[int, int]:
    """The host uid and gid children run as: ours, or ``nobody``'s when we are root."""
    return UNPRIVILEGED if report.root else (os.geteuid(), os.getegid())


def _protect_parent_environment() -> None:
    """In the fallback a child of our uid could read the keys in ``/proc/<our pid>/environ``:
    make this (key-holding) process undumpable, which closes that file to processes of the
    same user (root children are dropped to another uid)."""
    try:
        from arcloop.sandbox._inside.libc import set_dumpable

        set_dumpable(False)
    except (OSError, AttributeError) as exc:  # not Linux, or no prctl
        logger.warning(
            "could not make this process undumpable (%s); a sandbox child may be"
            " able to read its environment",
            exc,
        )
