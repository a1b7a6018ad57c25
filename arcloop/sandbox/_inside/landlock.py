"""Landlock: the second filesystem layer, under the filesystem view.

The view (``namespaces``) already holds nothing but the stdlib, numpy, scipy and system
libraries; Landlock then restricts the child to reading exactly those and writing its own
``/tmp``, so one bind too many in the view still grants nothing. With ABI >= 4 it also denies
TCP bind and connect, with ABI >= 6 signals and abstract unix sockets outside the child.
``landlock_abi`` only probes and is safe anywhere.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable

from arcloop.sandbox._inside.libc import LIBC, check, set_no_new_privs

# The same numbers on every architecture (asm-generic, Linux 5.13+).
_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_WRITE_FILE = 1 << 1
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_ALL_ABI1 = (1 << 13) - 1
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5
_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1

READ_TREE = _FS_READ_FILE | _FS_READ_DIR
READ_FILE = _FS_READ_FILE
READ_WRITE_FILE = _FS_READ_FILE | _FS_WRITE_FILE


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers, or 0 when Landlock is unavailable."""
    res = LIBC.syscall(
        _SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(int(res), 0)


def open_rules(paths: Iterable[tuple[str, int]]) -> list[tuple[int, int]]:
    """Open (O_PATH) every ``(path, access)`` once, as ``(fd, access)`` pairs for
    ``restrict_self``. Paths that do not exist are skipped."""
    rules = []
    for path, access in paths:
        try:
            rules.append((os.open(path, os.O_PATH | os.O_CLOEXEC), access))
        except FileNotFoundError:
            continue
    return rules


def restrict_self(*, rules: Iterable[tuple[int, int]], write_dirs: Iterable[str], abi: int) -> None:
    """Allow this process only the ``rules`` and full use of ``write_dirs`` (irreversible)."""
    fs = _FS_ALL_ABI1
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
    ruleset = check(
        LIBC.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0),
        "landlock_create_ruleset",
    )
    write = (
        READ_TREE
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
        check(
            LIBC.syscall(_SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)), "landlock_restrict_self"
        )
    finally:
        os.close(ruleset)


def _add_rule(ruleset: int, fd: int, access: int) -> None:
    rule = _PathBeneathAttr(access, fd)
    check(
        LIBC.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0),
        "landlock_add_rule",
    )


def rules_for(
    *, dirs: Iterable[str], files: Iterable[str], hidden: Iterable[str], writable: Iterable[str]
) -> list[tuple[str, int]]:
    """``(path, access)`` pairs granting read on ``dirs`` and ``files`` but nothing below
    ``hidden`` folders (``site-packages`` inside the stdlib): a folder holding one is granted
    a listing, and each of its other entries separately. ``writable`` files may be written.

    >>> rules_for(dirs=["/a"], files=["/dev/null"], hidden=[], writable=["/dev/null"])
    [('/a', 12), ('/dev/null', 6)]
    """
    hidden = list(hidden)
    writable = set(writable)
    rules: list[tuple[str, int]] = []
    for folder in dirs:
        inside = [h for h in hidden if os.path.dirname(h) == folder]
        if not inside:
            rules.append((folder, READ_TREE))
            continue
        rules.append((folder, _FS_READ_DIR))
        for entry in os.scandir(folder):
            if entry.path not in inside:
                rules.append((entry.path, READ_TREE if entry.is_dir() else READ_FILE))
    rules += [(f, READ_WRITE_FILE if f in writable else READ_FILE) for f in files]
    return rules
