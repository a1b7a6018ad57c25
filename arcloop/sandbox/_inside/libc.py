"""The C library through ctypes: checked calls, prctl switches, resource limits.

Everything here acts on the calling process. Left out: anything that needs a namespace or a
filter (``namespaces``, ``seccomp``, ``landlock``).
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38

# The few system calls glibc has no wrapper for, by machine (asm-generic numbers on arm64).
_SYSCALLS = {
    # open_tree and move_mount came after the numbering was unified across architectures
    "x86_64": {"pivot_root": 155, "open_tree": 428, "move_mount": 429},
    "aarch64": {"pivot_root": 41, "open_tree": 428, "move_mount": 429},
}


class ConfinementError(OSError):
    """A confinement step failed (the process then refuses to run a program)."""


def check(res: int, what: str) -> int:
    """Raise ``ConfinementError`` naming ``what`` when a C call returned a negative value."""
    if res < 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"{what}: {os.strerror(err)}")
    return res


def syscall_number(name: str) -> int:
    """The number of a system call glibc does not wrap, on this machine."""
    try:
        return _SYSCALLS[platform.machine()][name]
    except KeyError:
        raise ConfinementError(0, f"{name}: unknown on {platform.machine()}") from None


def set_parent_death_signal(sig: int) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent thread dies."""
    check(LIBC.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def set_dumpable(on: bool) -> None:
    """Make this process dumpable or not. Undumpable, its ``/proc/<pid>`` files belong to
    root and other processes of its user cannot read its environment or attach to it."""
    check(LIBC.prctl(_PR_SET_DUMPABLE, int(on), 0, 0, 0), "prctl(PR_SET_DUMPABLE)")


def set_no_new_privs() -> None:
    """Forbid gaining privileges through exec (required by Landlock and seccomp)."""
    check(LIBC.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def apply_rlimits(
    *, address_space: int, cpu_seconds: int, file_size: int, open_files: int, processes: int
) -> None:
    """Set hard limits (bytes / seconds / counts). Core dumps, locked memory and message
    queues are always 0.

    ``processes`` caps the tasks (threads included) of this process's user in its user
    namespace; it binds only a user other than host root.
    """
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime) + cpu_seconds
    for limit, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (address_space, address_space)),
        (resource.RLIMIT_FSIZE, (file_size, file_size)),
        (resource.RLIMIT_NOFILE, (open_files, open_files)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_MEMLOCK, (0, 0)),
        (resource.RLIMIT_MSGQUEUE, (0, 0)),
        (resource.RLIMIT_NPROC, (processes, processes)),
    ):
        resource.setrlimit(limit, value)
