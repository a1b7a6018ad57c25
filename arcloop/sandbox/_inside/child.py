"""One sandbox child: confine this process, read one job, run it, exit.

``run_warm`` is a child forked by the warm server; ``run_single`` is the fallback, a fresh
interpreter per evaluation. Both end in ``_run_job``: read the job (JSON
``{"code": ..., "inputs": [...]}``) to EOF, write ``{"started": 1}`` and one JSON line per
input (see ``program``) on the result pipe, exit. A child that cannot confine itself exits
with ``EXIT_CONFINE_FAILED`` before reading its job: no program ever runs half-confined.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import json
import os
import select
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from arcloop.sandbox._inside import landlock, libc, namespaces, program, seccomp

EXIT_CONFINE_FAILED = 70
EXIT_PARENT_GONE = 71
_COW_SLACK_BYTES = 64 << 20
"""What a child may dirty of the warm server's pages on top of its own limits (the memory
cgroup counts those copies; RLIMIT_AS does not, as they were mapped before the fork)."""


@dataclass(frozen=True)
class Limits:
    """The per-child limits, in bytes, seconds and counts."""

    memory_bytes: int
    cpu_seconds: int
    file_bytes: int
    open_files: int
    disk_bytes: int
    max_threads: int

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Limits:
        return cls(
            memory_bytes=settings["memory_bytes"],
            cpu_seconds=settings["cpu_seconds"],
            file_bytes=settings["file_bytes"],
            open_files=settings["open_files"],
            disk_bytes=settings["disk_bytes"],
            max_threads=settings["max_threads"],
        )

    @property
    def cgroup_memory_bytes(self) -> int:
        """The memory cgroup's limit: the headroom, the tmpfs and copied server pages."""
        return self.memory_bytes + self.disk_bytes + _COW_SLACK_BYTES


@dataclass(frozen=True)
class WarmContext:
    """What every warm child inherits from its server.

    Attributes:
        proc_fd: the host's ``/proc`` (for the child's own uid map and size), closed before
            the program runs.
        rules: Landlock ``(fd, access)`` pairs (empty without Landlock).
        landlock_abi: 0 without Landlock.
        filter: the compiled seccomp allow-list.
        limits: the per-child limits.
        keep_in_tmp: the view's folders under ``/tmp`` (``ViewPlan.under_tmp``).
    """

    proc_fd: int
    rules: tuple[tuple[int, int], ...]
    landlock_abi: int
    filter: bytes
    limits: Limits
    keep_in_tmp: tuple[str, ...] = ()


def run_warm(job_fd: int, result_fd: int, context: WarmContext) -> NoReturn:
    """In a child the warm server just forked (pid 1 of its own PID namespace)."""
    try:
        _confine_warm(job_fd, result_fd, context)
    except BaseException:
        _report_confinement_failure()
        os._exit(EXIT_CONFINE_FAILED)
    _run_job(job_fd, result_fd)


def _confine_warm(job_fd: int, result_fd: int, context: WarmContext) -> None:
    limits = context.limits
    libc.set_parent_death_signal(signal.SIGKILL)
    _default_signals()
    namespaces.enter_child_namespaces(context.proc_fd)
    namespaces.mount_private_tmp(context.keep_in_tmp, size_bytes=limits.disk_bytes, inodes=1024)
    vsize = _address_space(context.proc_fd)
    _only_these_fds(job_fd, result_fd, *(fd for fd, _ in context.rules), stdin_null=True)
    _lock_down(
        "/tmp",
        rules=context.rules,
        abi=context.landlock_abi,
        limits=limits,
        address_space=vsize + limits.memory_bytes,
        processes=limits.max_threads,
        program_filter=context.filter,
    )


def run_single(settings: dict[str, Any]) -> NoReturn:
    """The fallback: this fresh interpreter is one child. Job on stdin, results on the fd the
    settings name, its temp dir made by the parent."""
    result_fd = settings["result_fd"]
    try:
        _confine_single(result_fd, settings)
    except BaseException:
        _report_confinement_failure()
        os._exit(EXIT_CONFINE_FAILED)
    _run_job(0, result_fd)


def _confine_single(result_fd: int, settings: dict[str, Any]) -> None:
    limits = Limits.from_settings(settings)
    with contextlib.suppress(OSError, AttributeError):  # best effort: not every OS has it
        libc.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != settings["parent_pid"]:
        os._exit(EXIT_PARENT_GONE)
    _default_signals()
    dropping = os.geteuid() != settings["host_uid"]
    if dropping:  # root: what the program may import lazily must be loaded before the drop
        for name in settings["preload"]:
            importlib.import_module(name)
    rules: list[tuple[int, int]] = []
    if settings["landlock"]:
        plan = namespaces.plan_view(("numpy", "scipy"))
        paths = landlock.rules_for(
            dirs=plan.dirs, files=plan.files, hidden=plan.masks, writable=["/dev/null"]
        )
        rules = landlock.open_rules(paths)
    program_filter = seccomp.compile_filter() if settings["seccomp"] else b""
    tmp = settings["tmpdir"]
    if dropping:
        os.setgroups([])
        os.setresgid(settings["host_gid"], settings["host_gid"], settings["host_gid"])
        os.setresuid(settings["host_uid"], settings["host_uid"], settings["host_uid"])
        libc.set_parent_death_signal(signal.SIGKILL)  # the change of uid cleared it
        if os.getppid() != settings["parent_pid"]:
            os._exit(EXIT_PARENT_GONE)
    if settings["tmpfs"]:
        own = (os.geteuid(), os.getegid())
        namespaces.enter_user_namespace(namespaces.CLONE_NEWNS, host_uid=own[0], host_gid=own[1])
        namespaces.take_namespace_root()
        namespaces.mount_tmpfs(tmp, size_bytes=limits.disk_bytes, inodes=1024)
    vsize = _address_space(None)
    _only_these_fds(0, result_fd, *(fd for fd, _ in rules), stdin_null=False)
    _lock_down(
        tmp,
        rules=rules,
        abi=settings["landlock"],
        limits=limits,
        address_space=vsize + limits.memory_bytes,
        processes=0,  # no thread, no process: the fallback has no other cap on them
        program_filter=program_filter,
    )


def _lock_down(
    tmp: str,
    *,
    rules: Sequence[tuple[int, int]],
    abi: int,
    limits: Limits,
    address_space: int,
    processes: int,
    program_filter: bytes,
) -> None:
    """The last steps, in this order: clean state, Landlock (then its rule fds go, as the
    open-files limit counts fd numbers), rlimits (before seccomp, which forbids setrlimit),
    seccomp, and an import system that finds only numpy and scipy in site-packages."""
    _clean_state(tmp)
    if abi:
        landlock.restrict_self(rules=rules, write_dirs=[tmp], abi=abi)
        for fd, _ in rules:
            os.close(fd)
    libc.apply_rlimits(
        address_space=address_space,
        cpu_seconds=limits.cpu_seconds,
        file_size=limits.file_bytes,
        open_files=limits.open_files,
        processes=processes,
    )
    if program_filter:
        seccomp.load_filter(program_filter)
    _only_numpy_and_scipy()


def _report_confinement_failure() -> None:
    """Say why on stderr (where the server's own errors go; /dev/null unless the parent set
    ARCLOOP_SANDBOX_DEBUG), before the child exits unconfined and unused."""
    with contextlib.suppress(BaseException):
        traceback.print_exc()


def _default_signals() -> None:
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError, not a death


def _address_space(proc_fd: int | None) -> int:
    """This process's mapped size, in bytes (0 when procfs is out of reach)."""
    try:
        fd = os.open(
            "self/statm" if proc_fd is not None else "/proc/self/statm", os.O_RDONLY, dir_fd=proc_fd
        )
        try:
            pages = int(os.read(fd, 128).split()[0])
        finally:
            os.close(fd)
    except OSError:
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _only_these_fds(*keep: int, stdin_null: bool) -> None:
    """Point stdout and stderr (and stdin if asked) at /dev/null, close every other fd."""
    null = os.open("/dev/null", os.O_RDWR)
    if stdin_null:
        os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(null, 2)
    kept = sorted({0, 1, 2, *keep})
    for low, high in zip(kept, [*kept[1:], 1 << 20], strict=True):
        os.closerange(low + 1, high)
    for fd in keep:
        if fd > 2:
            os.set_inheritable(fd, False)


def _clean_state(tmp: str) -> None:
    os.chdir(tmp)
    os.environ.clear()
    tempfile.tempdir = tmp
    sys.dont_write_bytecode = True


def _run_job(job_fd: int, result_fd: int) -> NoReturn:
    chunks = []
    while chunk := os.read(job_fd, 1 << 16):
        chunks.append(chunk)
    if not chunks:
        os._exit(0)
    os.close(job_fd)
    job = json.loads(b"".join(chunks))

    def emit(record: dict[str, Any]) -> None:
        data = json.dumps(record, separators=(",", ":")).encode() + b"\n"
        while data:
            data = data[os.write(result_fd, data) :]

    try:
        emit({"started": 1})
        program.run_program(job["code"], job["inputs"], emit)
    finally:
        os._exit(0)


def parent_gone(pipe_fd: int) -> bool:
    """True when the write end of ``pipe_fd`` is closed everywhere (its holder died)."""
    return bool(select.select([pipe_fd], [], [], 0)[0])


class _AllowedPackages:
    """A meta path finder that finds only numpy and scipy in site-packages.

    site-packages leaves ``sys.path``, so an optional ``import x`` inside numpy or scipy sees
    a clean ``ModuleNotFoundError`` instead of a permission error.
    """

    def __init__(self, site_dirs: list[str]) -> None:
        self._site_dirs = site_dirs

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if path is None and name in ("numpy", "scipy"):
            return importlib.machinery.PathFinder.find_spec(name, self._site_dirs)
        return None


def _only_numpy_and_scipy() -> None:
    site_dirs = [p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")]
    sys.path[:] = [p for p in sys.path if p not in site_dirs]
    sys.meta_path.insert(0, _AllowedPackages(site_dirs))
