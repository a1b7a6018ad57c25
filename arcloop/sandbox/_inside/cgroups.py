"""Per-child pids and memory cgroups (cgroup v1), where this machine lets us make them.

A warm server started as root makes ``/sys/fs/cgroup/<controller>/arcloop-<its pid>/``, hands
it to the sandbox uid, and puts each child it forks into a cgroup of its own below it:

* ``pids.max`` caps the child's threads (a thread bomb stops at the cap, the host keeps its
  PIDs);
* ``memory.limit_in_bytes`` counts everything the child makes resident, its tmpfs and
  shared memory included, which ``RLIMIT_AS`` does not see; a child over it is killed by the
  kernel and reported as a memory failure.

The key-holding parent removes a server's folders when the server ends, and folders left by
servers of processes that no longer exist when a sandbox starts (``sweep_stale``). Left out:
cgroup v2 (its delegation rules ask for a cgroup per server made by a privileged manager);
without cgroups, the child's own user namespace and ``RLIMIT_NPROC`` cap its threads instead.
"""

from __future__ import annotations

import contextlib
import os
import re

ROOT = "/sys/fs/cgroup"
CONTROLLERS = ("pids", "memory")
_PREFIX = "arcloop-"


def usable_controllers() -> tuple[str, ...]:
    """The controllers this process can make child cgroups in (a mkdir/rmdir test)."""
    found = []
    for name in CONTROLLERS:
        path = os.path.join(ROOT, name)
        probe = os.path.join(path, f"{_PREFIX}probe-{os.getpid()}")
        try:
            os.mkdir(probe)
            os.rmdir(probe)
        except OSError:
            continue
        found.append(name)
    return tuple(found)


def base_name(server_pid: int) -> str:
    """The folder name of one warm server's cgroups."""
    return f"{_PREFIX}{server_pid}"


class ChildCgroups:
    """One warm server's cgroups: made (as root) before it drops privileges, then used through
    directory descriptors, which keep working inside the filesystem view."""

    def __init__(self, dirs: dict[str, int]) -> None:
        self._dirs = dirs

    @classmethod
    def create(cls, controllers: tuple[str, ...], *, owner: tuple[int, int]) -> ChildCgroups:
        """Make this process's folder in each controller and give it to ``owner`` (uid, gid)."""
        dirs = {}
        for name in controllers:
            path = os.path.join(ROOT, name, base_name(os.getpid()))
            os.mkdir(path, 0o755)
            os.chown(path, *owner)
            dirs[name] = os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        return cls(dirs)

    @property
    def fds(self) -> tuple[int, ...]:
        return tuple(self._dirs.values())

    def attach(self, pid: int, key: str, *, max_tasks: int, memory_bytes: int) -> None:
        """Put process ``pid`` in a new cgroup ``key`` with these limits."""
        for name, fd in self._dirs.items():
            os.mkdir(key, 0o755, dir_fd=fd)
            if name == "pids":
                _write(fd, f"{key}/pids.max", str(max_tasks))
            else:
                _write(fd, f"{key}/memory.limit_in_bytes", str(memory_bytes))
            _write(fd, f"{key}/cgroup.procs", str(pid))

    def memory_killed(self, key: str) -> bool:
        """True when the kernel killed a process of cgroup ``key`` for its memory limit."""
        fd = self._dirs.get("memory")
        if fd is None:
            return False
        try:
            text = _read(fd, f"{key}/memory.oom_control")
        except OSError:
            return False
        found = re.search(r"^oom_kill (\d+)$", text, re.MULTILINE)
        return bool(found and int(found.group(1)) > 0)

    def release(self, key: str) -> None:
        """Remove cgroup ``key`` (its processes are gone)."""
        for fd in self._dirs.values():
            with contextlib.suppress(OSError):
                os.rmdir(key, dir_fd=fd)


def _write(dir_fd: int, name: str, text: str) -> None:
    fd = os.open(name, os.O_WRONLY, dir_fd=dir_fd)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _read(dir_fd: int, name: str) -> str:
    fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
    try:
        return os.read(fd, 4096).decode()
    finally:
        os.close(fd)


def remove(server_pid: int) -> None:
    """Remove one warm server's folders, children first (their processes are gone)."""
    for name in CONTROLLERS:
        base = os.path.join(ROOT, name, base_name(server_pid))
        for entry in _subdirs(base):
            with contextlib.suppress(OSError):
                os.rmdir(entry)
        with contextlib.suppress(OSError):
            os.rmdir(base)


def _subdirs(path: str) -> list[str]:
    try:
        return [e.path for e in os.scandir(path) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def sweep_stale() -> None:
    """Remove the folders of warm servers whose process no longer exists."""
    pids: set[int] = set()
    for name in CONTROLLERS:
        for entry in _subdirs(os.path.join(ROOT, name)):
            tail = os.path.basename(entry)[len(_PREFIX) :]
            if os.path.basename(entry).startswith(_PREFIX) and tail.isdigit():
                pids.add(int(tail))
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            remove(pid)
        except PermissionError:
            continue
