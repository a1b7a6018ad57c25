"""Kernel confinement for one sandbox child: rlimits, Landlock, seccomp, a private tmpfs.

Every function here acts on the *calling* process and cannot be undone: the sandbox calls them
in a freshly forked child, never in the key-holding parent. ``landlock_abi`` and
``seccomp_available`` only probe and are safe anywhere (``doctor_report`` uses them).

This module is also imported by the warm server script, which runs outside the ``arcloop``
package, so it imports nothing but the standard library (and ``pyseccomp`` when present).

Left out: network namespaces (Landlock's TCP rules and the seccomp socket ban already cut the
network) and dropping to another uid (the user namespace already removes every capability in
the host namespace).
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import struct
import sys
import tempfile
from collections.abc import Iterable
from typing import Any

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

# Landlock syscall numbers are the same on every architecture (asm-generic, Linux 5.13+).
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_THREAD = 0x00010000


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


class ConfinementError(OSError):
    """A confinement step failed in the child (the child then refuses to run the program)."""


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers, or 0 when Landlock is unavailable."""
    res = _libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET,
        None,
        ctypes.c_size_t(0),
        ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
    )
    return max(int(res), 0)


def seccomp_available() -> bool:
    """True when libseccomp can be loaded through ``pyseccomp`` and the kernel has seccomp."""
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, RuntimeError, OSError):
        return False
    return os.path.exists("/proc/self/status") and "Seccomp:" in _read("/proc/self/status")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def _check(res: int, what: str) -> int:
    if res < 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"{what}: {os.strerror(err)}")
    return res


def set_parent_death_signal(sig: int) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent thread dies."""
    _check(_libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def set_not_dumpable() -> None:
    """Make this process undumpable: other processes of the same user can no longer read its
    ``/proc/<pid>/environ`` or attach to it (root keeps CAP_SYS_PTRACE and still can)."""
    _check(_libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")


def set_no_new_privs() -> None:
    """Forbid gaining privileges through exec (required by Landlock and seccomp)."""
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def apply_rlimits(
    *, address_space: int, cpu_seconds: int, file_size: int, open_files: int, no_processes: bool
) -> None:
    """Set hard limits (bytes / seconds / count); core dumps are always disabled.

    ``no_processes`` also sets RLIMIT_NPROC to 0 (no new process or thread for a non-root
    uid): the fork-bomb guard when seccomp is missing.
    """
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if no_processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))


def private_tmpfs(path: str, *, size_bytes: int, inodes: int) -> None:
    """Enter a new user + mount namespace and mount a size-capped tmpfs on ``path``.

    Afterwards the process holds no capability in the host namespace, and whatever it writes
    under ``path`` lives in memory capped at ``size_bytes`` and vanishes with the process.
    """
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare(CLONE_NEWUSER|CLONE_NEWNS)")
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w", encoding="ascii") as f:
            f.write(text)
    opts = f"size={size_bytes},nr_inodes={inodes},mode=0700".encode()
    _check(_libc.mount(b"arcloop", path.encode(), b"tmpfs", 0, opts), "mount(tmpfs)")


def open_path_rules(
    *, read_dirs: Iterable[str], read_files: Iterable[str], list_dirs: Iterable[str]
) -> list[tuple[int, int]]:
    """Open (O_PATH) every allowed path once, as ``(fd, access)`` pairs for ``apply_landlock``.

    ``list_dirs`` may be listed but grant no file below them (so the import system can list
    the stdlib folder while its site-packages stays unreadable). Missing paths are skipped.
    """
    rules = []
    for paths, access in (
        (read_dirs, _FS_READ_FILE | _FS_READ_DIR),
        (read_files, _FS_READ_FILE),
        (list_dirs, _FS_READ_DIR),
    ):
        for path in paths:
            try:
                rules.append((os.open(path, os.O_PATH | os.O_CLOEXEC), access))
            except FileNotFoundError:
                continue
    return rules


def apply_landlock(
    *, rules: Iterable[tuple[int, int]], write_dirs: Iterable[str], abi: int
) -> None:
    """Restrict this process to the read ``rules`` and to writing ``write_dirs`` only.

    With ABI >= 4 TCP bind/connect are denied too, with ABI >= 6 signals to processes
    outside this domain and abstract unix sockets are denied.
    """
    fs = (1 << 13) - 1
    if abi >= 2:
        fs |= _FS_REFER
    if abi >= 3:
        fs |= _FS_TRUNCATE
    if abi >= 5:
        fs |= _FS_IOCTL_DEV
    attr = _RulesetAttr(fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL
        size = 24
    ruleset = _check(
        _libc.syscall(
            _SYS_LANDLOCK_CREATE_RULESET,
            ctypes.byref(attr),
            ctypes.c_size_t(size),
            ctypes.c_uint32(0),
        ),
        "landlock_create_ruleset",
    )
    write = (
        _FS_READ_FILE
        | _FS_READ_DIR
        | _FS_WRITE_FILE
        | _FS_REMOVE_DIR
        | _FS_REMOVE_FILE
        | _FS_MAKE_DIR
        | _FS_MAKE_REG
        | (_FS_TRUNCATE if abi >= 3 else 0)
        | (_FS_REFER if abi >= 2 else 0)
    )
    try:
        for fd, access in rules:
            _add_rule(ruleset, fd, access)
        for path in write_dirs:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                _add_rule(ruleset, fd, write)
            finally:
                os.close(fd)
        set_no_new_privs()
        _check(
            _libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)),
            "landlock_restrict_self",
        )
    finally:
        os.close(ruleset)


def _add_rule(ruleset: int, fd: int, access: int) -> None:
    rule = _PathBeneathAttr(access, fd)
    _check(
        _libc.syscall(
            _SYS_LANDLOCK_ADD_RULE,
            ruleset,
            _LANDLOCK_RULE_PATH_BENEATH,
            ctypes.byref(rule),
            ctypes.c_uint32(0),
        ),
        "landlock_add_rule",
    )


# Denied with EPERM: the program sees an ordinary PermissionError and its process lives on.
DENIED_SYSCALLS = (
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "execve",
    "execveat",
    "fork",
    "vfork",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "tkill",
    "mount",
    "umount2",
    "unshare",
    "setns",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsmount",
    "fspick",
    "mount_setattr",
    "setsid",
    "setpgid",
    "setrlimit",
    "prlimit64",
    "mknod",
    "mknodat",
    "name_to_handle_at",
    "open_by_handle_at",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "personality",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "shmget",
    "msgget",
    "semget",
    "mq_open",
)


# Stands in for the child's pid in a filter compiled once by the warm server; each child
# patches it to its own pid (BPF compares 32-bit immediates, so the bytes are easy to find).
_PID_PLACEHOLDER = 0x3A5C1D07
_BPF_INSN = struct.Struct("=HBBI")
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2


def _build_filter(own: int) -> Any:
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    flt = sc.SyscallFilter(sc.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            flt.add_rule(deny, name)
        except (OSError, RuntimeError, ValueError):  # not a syscall on this architecture
            continue
    # Threads (CLONE_THREAD) are allowed, new processes are not; clone3 hides its flags in
    # memory, so it answers ENOSYS and the C library falls back to clone.
    flt.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, _CLONE_THREAD, 0))
    flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        flt.add_rule(deny, name, sc.Arg(0, sc.NE, own))
    return flt


def compile_seccomp() -> bytes:
    """The deny-list as a BPF program with a pid placeholder (compile once, load many).

    Signals may only target the loading process: ``load_seccomp`` puts its pid in.
    """
    with tempfile.TemporaryFile() as out:
        _build_filter(_PID_PLACEHOLDER).export_bpf(out)
        out.seek(0)
        program = out.read()
    if _PID_PLACEHOLDER.to_bytes(4, sys.byteorder) not in program:  # shared by the 4 rules
        raise ConfinementError(errno.EINVAL, "the compiled seccomp filter lost its pid checks")
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def load_seccomp(program: bytes) -> None:
    """Load a program from ``compile_seccomp`` for this process (irreversible)."""
    own = os.getpid()
    insns = bytearray(program)
    for offset in range(0, len(insns), _BPF_INSN.size):
        code, jt, jf, k = _BPF_INSN.unpack_from(insns, offset)
        if k == _PID_PLACEHOLDER:
            _BPF_INSN.pack_into(insns, offset, code, jt, jf, own)
    buffer = ctypes.create_string_buffer(bytes(insns), len(insns))
    fprog = _SockFprog(len(insns) // _BPF_INSN.size, ctypes.cast(buffer, ctypes.c_void_p))
    set_no_new_privs()
    _check(
        _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0),
        "prctl(PR_SET_SECCOMP)",
    )


def user_namespaces_work() -> bool:
    """True when a forked child can enter a user + mount namespace and mount a tmpfs.

    Forks, so call it only from a single-threaded process (the probe script below).
    """
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            path = os.path.realpath("/tmp")
            private_tmpfs(path, size_bytes=1 << 20, inodes=16)
            code = 0
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def probe() -> dict[str, object]:
    """What this machine offers, as JSON-able facts."""
    return {
        "landlock_abi": landlock_abi(),
        "seccomp": seccomp_available(),
        "user_namespaces": user_namespaces_work(),
    }


if __name__ == "__main__":
    import json
    import sys

    sys.stdout.write(json.dumps(probe()))
