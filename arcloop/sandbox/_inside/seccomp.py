"""The system-call allow-list a child loads just before it runs a program.

An allow-list, not a deny-list: a call not named here fails with ``EPERM`` (the program sees an
ordinary ``PermissionError`` and lives on), so a system call the kernel adds tomorrow is denied
until someone decides otherwise. The list is what numpy and scipy programs were seen to need
(``tests/sandbox/corpus`` holds the programs; ``test_benign_corpus`` runs them all), and
nothing that changes anything outside the child:

* no metadata changes: the chmod, chown, utime and xattr families are absent;
* no new processes, only threads: ``clone`` needs ``CLONE_THREAD``, ``clone3`` answers
  ``ENOSYS`` so the C library falls back to ``clone``;
* no other process: signals only to itself; no ptrace, ``process_vm_*``, ``setpriority``,
  ``sched_set*``;
* no memory outside the limits: no ``memfd_create``, pipes, SysV or POSIX IPC, ``mlock``;
* nothing that widens the kernel's surface: no sockets, ``io_uring``, ``bpf``,
  ``perf_event_open``, ``userfaultfd``, keys, mounts, namespaces, ``inotify``.

The filter is compiled once in the warm server with a placeholder for the child's pid in the
signal rules; each child puts its own pid in (a 32-bit immediate in the BPF code) and loads it.
Imports ``pyseccomp`` only to compile.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys
import tempfile
from typing import Any

from arcloop.sandbox._inside.libc import LIBC, ConfinementError, check, set_no_new_privs

ALLOWED = (
    # files, inside the view and under Landlock
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "lseek",
    "close", "fstat", "stat", "lstat", "newfstatat", "statx", "open", "openat", "creat",
    "getdents", "getdents64", "getcwd", "chdir", "fchdir", "mkdir", "mkdirat", "unlink",
    "unlinkat", "rmdir", "rename", "renameat", "renameat2", "ftruncate", "truncate", "fsync",
    "fdatasync", "fallocate", "fadvise64", "flock", "readlink", "readlinkat", "access",
    "faccessat", "faccessat2", "dup", "dup2", "dup3", "sendfile", "copy_file_range", "umask",
    "poll", "ppoll", "select", "pselect6",
    # memory
    "mmap", "munmap", "mprotect", "mremap", "brk", "madvise",
    # threads, signals and time, within the child
    "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "sched_yield",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigsuspend", "sigaltstack", "restart_syscall", "exit", "exit_group", "alarm",
    "getitimer", "setitimer", "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
    "gettimeofday", "time", "getcpu",
    # facts about itself
    "getpid", "gettid", "getppid", "getpgrp", "getpgid", "getsid", "getuid", "geteuid",
    "getgid", "getegid", "getgroups", "getresuid", "getresgid", "getrlimit", "getrusage",
    "times", "uname", "sysinfo", "getrandom",
)  # fmt: skip

# Calls allowed with arguments that keep them to the child itself.
_CLONE_THREAD = 0x00010000
_IOCTLS = (0x5401, 0x5451, 0x5450, 0x5421)  # TCGETS (isatty), FIOCLEX, FIONCLEX, FIONBIO
_FCNTLS = (0, 1, 2, 3, 4, 5, 6, 7, 1030)  # F_DUPFD..F_SETLKW, F_DUPFD_CLOEXEC

# Stands in for the child's pid in a filter compiled once by the warm server.
_PID_PLACEHOLDER = 0x3A5C1D07
_BPF_INSN = struct.Struct("=HBBI")
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2


def _build() -> Any:
    import pyseccomp as sc

    flt = sc.SyscallFilter(sc.ERRNO(errno.EPERM))
    for name in ALLOWED:
        try:
            flt.add_rule(sc.ALLOW, name)
        except (OSError, RuntimeError, ValueError):  # not a syscall on this architecture
            continue
    flt.add_rule(sc.ALLOW, "clone", sc.Arg(0, sc.MASKED_EQ, _CLONE_THREAD, _CLONE_THREAD))
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for request in _IOCTLS:
        flt.add_rule(sc.ALLOW, "ioctl", sc.Arg(1, sc.EQ, request))
    for command in _FCNTLS:
        flt.add_rule(sc.ALLOW, "fcntl", sc.Arg(1, sc.EQ, command))
    # Read its own limits only: prlimit64(0, resource, NULL, old).
    flt.add_rule(sc.ALLOW, "prlimit64", sc.Arg(0, sc.EQ, 0), sc.Arg(2, sc.EQ, 0))
    flt.add_rule(sc.ALLOW, "sched_getaffinity", sc.Arg(0, sc.EQ, 0))
    for name, arg in (("kill", 0), ("tgkill", 0)):
        flt.add_rule(sc.ALLOW, name, sc.Arg(arg, sc.EQ, _PID_PLACEHOLDER))
    return flt


def compile_filter() -> bytes:
    """The allow-list as a BPF program with a pid placeholder (compile once, load many)."""
    with tempfile.TemporaryFile() as out:
        _build().export_bpf(out)
        out.seek(0)
        program = out.read()
    if _PID_PLACEHOLDER.to_bytes(4, sys.byteorder) not in program:
        raise ConfinementError(errno.EINVAL, "the compiled seccomp filter lost its pid checks")
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load_filter(program: bytes) -> None:
    """Load a program from ``compile_filter`` for this process, with its own pid (irreversible)."""
    own = os.getpid()
    insns = bytearray(program)
    for offset in range(0, len(insns), _BPF_INSN.size):
        code, jt, jf, k = _BPF_INSN.unpack_from(insns, offset)
        if k == _PID_PLACEHOLDER:
            _BPF_INSN.pack_into(insns, offset, code, jt, jf, own)
    buffer = ctypes.create_string_buffer(bytes(insns), len(insns))
    fprog = _SockFprog(len(insns) // _BPF_INSN.size, ctypes.cast(buffer, ctypes.c_void_p))
    set_no_new_privs()
    check(
        LIBC.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0),
        "prctl(PR_SET_SECCOMP)",
    )


def seccomp_available() -> bool:
    """True when libseccomp loads through ``pyseccomp`` and the kernel filters system calls."""
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, RuntimeError, OSError):
        return False
    try:
        with open("/proc/self/status", encoding="utf-8") as status:
            return "Seccomp:" in status.read()
    except OSError:
        return False
