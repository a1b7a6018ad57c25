"""What this machine offers the sandbox, found by trying it; run as a script in a fresh
interpreter (it forks), by the parent and by ``arcloop doctor``.

The namespace test rehearses what a warm server and its child do, with the same functions:
new namespaces with an unprivileged root, the same view (the stdlib, numpy and scipy where
this interpreter finds them) and ``pivot_root``, then a child in its own PID, user, mount and
IPC namespaces with a private tmpfs that must leave the view's folders visible. Prints one JSON
object (see ``probe``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

from arcloop.sandbox._inside import cgroups, namespaces
from arcloop.sandbox._inside.landlock import landlock_abi
from arcloop.sandbox._inside.seccomp import seccomp_available


def _in_child(test: Callable[[], None]) -> str:
    """Run ``test()`` in a forked child; "" when it worked, else the reason."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        message = ""
        try:
            test()
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}"
        os.write(write_end, message.encode()[:500])
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 512):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    message = b"".join(chunks).decode(errors="replace")
    if status != 0 and not message:
        message = f"the test process ended with status {status}"
    return message


def _rehearse_namespaces() -> None:
    uid, gid = namespaces.sandbox_identity()
    proc_fd = os.open("/proc", os.O_PATH | os.O_DIRECTORY)
    plan = namespaces.plan_view(("numpy", "scipy"))  # the view a warm server would build
    if os.geteuid() == 0:
        os.setgroups([])
    namespaces.enter_user_namespace(namespaces.SERVER_NAMESPACES, host_uid=uid, host_gid=gid)
    opened = plan.open()
    namespaces.take_namespace_root()
    namespaces.mount_view(opened)
    if os.path.exists("/proc/self") or not os.path.exists("/dev/null"):
        raise OSError("the view does not hold what it should")
    server = os.fork()  # pid 1 of the new PID namespace, like a warm server
    if server == 0:
        code = 1
        try:
            pids = namespaces.ChildPidNamespaces(proc_fd)
            pids.before_fork()
            child = os.fork()
            if child == 0:
                code = 1
                try:
                    namespaces.enter_child_namespaces(proc_fd)
                    namespaces.mount_private_tmp(plan.under_tmp, size_bytes=1 << 20, inodes=16)
                    hidden = [d for d in plan.dirs if not os.path.isdir(d)]
                    code = 0 if os.getpid() == 1 and not hidden else 2
                finally:
                    os._exit(code)
            pids.after_fork()
            _, status = os.waitpid(child, 0)
            code = 0 if status == 0 else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(server, 0)
    if status != 0:
        raise OSError(f"a child could not get its own namespaces (status {status})")


def _user_namespace_tmpfs() -> None:
    uid, gid = os.geteuid(), os.getegid()
    namespaces.enter_user_namespace(namespaces.CLONE_NEWNS, host_uid=uid, host_gid=gid)
    namespaces.take_namespace_root()
    namespaces.mount_tmpfs(os.path.realpath("/tmp"), size_bytes=1 << 20, inodes=16)


def probe() -> dict[str, object]:
    """Facts, JSON-able: ``landlock_abi``, ``seccomp``, ``namespaces`` ("" or why not),
    ``user_namespaces`` (a private tmpfs works), ``cgroups`` (usable controllers), ``root``."""
    why_not = _in_child(_rehearse_namespaces)
    root = os.geteuid() == 0
    return {
        "landlock_abi": landlock_abi(),
        "seccomp": seccomp_available(),
        "namespaces": not why_not,
        "namespaces_error": why_not,
        "user_namespaces": not _in_child(_user_namespace_tmpfs),
        "cgroups": list(cgroups.usable_controllers()) if root else [],
        "root": root,
    }


def main(argv: list[str]) -> None:
    """Print the facts as one JSON object (run through ``launch.py``)."""
    sys.stdout.write(json.dumps(probe()))
