"""The warm server: a clean interpreter with numpy and scipy loaded that forks sandbox children.

Started by ``ProcessSandbox`` as ``python -I launch.py server SETTINGS_JSON`` (never imported
by the key-holding parent). In ``single`` mode it is itself one child (``child.run_single``).
In ``warm`` mode, once:

1. import numpy, scipy and the stdlib modules programs reach for most;
2. as root, make this server's cgroups (``cgroups``) and give them to the sandbox uid;
3. enter new user, mount, PID, IPC, network and UTS namespaces and build the filesystem view
   (``namespaces``), dropping to the sandbox uid;
4. fork once: the new process is pid 1 of the new PID namespace and is the server proper;
   this one stays behind, waiting, so that the parent's handle on it keeps meaning "the
   server" (when it dies, the kernel kills pid 1 and so every child);
5. open the Landlock rules (the seccomp allow-list was compiled before step 2).

Then it talks to the parent over the SOCK_SEQPACKET socket its settings name. It keeps
``prefork`` children forked ahead of need, each in a PID namespace of its own and, where
cgroups work, a pids and a memory cgroup of its own; each child confines itself at once
(``child.run_warm``) and then blocks reading its job. A ready child goes to the parent as
``b"C <pid>"`` with three file descriptors (job pipe write end, result pipe read end,
pidfd), so the parent talks to the child directly. ``b"W"`` from the parent asks for one
more child. When a child exits the server reaps it and reports
``b"X <pid> <wait status> <1 if its memory cgroup killed it, else 0> <CPU ms>"``.
"""

from __future__ import annotations

import array
import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
from typing import Any, NoReturn

from arcloop.sandbox._inside import cgroups, child, landlock, libc, namespaces, seccomp

# What generated programs reach for most; anything else still imports lazily in the child.
_STDLIB_PRELOAD = (
    "collections",
    "itertools",
    "functools",
    "math",
    "copy",
    "typing",
    "dataclasses",
    "re",
    "heapq",
    "bisect",
    "operator",
    "statistics",
    "fractions",
    "random",
    "string",
    "enum",
)
_HOSTNAME = "arcloop-sandbox"


def main(argv: list[str]) -> None:
    """Entry point (through ``launch.py``): ``argv[0]`` is the settings as JSON."""
    settings: dict[str, Any] = json.loads(argv[0])
    if settings["mode"] == "single":
        child.run_single(settings)
    libc.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != settings["parent_pid"]:
        return
    for name in (*_STDLIB_PRELOAD, *settings["preload"]):
        importlib.import_module(name)
    sock = socket.socket(fileno=settings["sock_fd"])
    program_filter = seccomp.compile_filter()  # libseccomp must still be reachable
    plan = namespaces.plan_view(("numpy", "scipy"))
    proc_fd, groups = _enter_sandbox(settings, plan)
    # A change of uid clears the parent-death signal: ask again, then look again.
    libc.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != settings["parent_pid"]:
        os._exit(child.EXIT_PARENT_GONE)
    life_r, life_w = os.pipe()
    server = os.fork()
    if server:
        _wait_as_outer(server, sock, life_r)
    os.close(life_w)
    libc.set_parent_death_signal(signal.SIGKILL)
    if child.parent_gone(life_r):
        os._exit(child.EXIT_PARENT_GONE)
    os.close(life_r)
    context = _warm_context(settings, plan, proc_fd, program_filter)
    # Children never collect the server's objects: touching them would copy every page.
    gc.collect()
    gc.freeze()
    # Only the benchmark turns PID namespaces off, to measure what they cost.
    pid_namespaces = namespaces.ChildPidNamespaces(
        proc_fd, enabled=settings.get("pid_namespaces", True)
    )
    _serve(sock, settings, context, groups, pid_namespaces)


def _enter_sandbox(
    settings: dict[str, Any], plan: namespaces.ViewPlan
) -> tuple[int, cgroups.ChildCgroups | None]:
    """Steps 2 and 3: cgroups, namespaces, the view. Returns the host /proc and cgroups."""
    uid, gid = settings["host_uid"], settings["host_gid"]
    proc_fd = os.open("/proc", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    groups = None
    if os.geteuid() == 0:
        if settings["cgroups"]:
            groups = cgroups.ChildCgroups.create(tuple(settings["cgroups"]), owner=(uid, gid))
        os.setgroups([])
    namespaces.enter_user_namespace(namespaces.SERVER_NAMESPACES, host_uid=uid, host_gid=gid)
    opened = plan.open()
    namespaces.take_namespace_root()
    namespaces.mount_view(opened)
    opened.close()
    namespaces.set_hostname(_HOSTNAME)
    return proc_fd, groups


def _wait_as_outer(server: int, sock: socket.socket, life_r: int) -> NoReturn:
    """Step 4, the process left outside: hold nothing, wait for the server, end like it."""
    sock.close()
    os.close(life_r)
    _, status = os.waitpid(server, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0x7F)


def _warm_context(
    settings: dict[str, Any], plan: namespaces.ViewPlan, proc_fd: int, program_filter: bytes
) -> child.WarmContext:
    """Step 5: what every child inherits."""
    abi = int(settings["landlock"])
    rules: list[tuple[int, int]] = []
    if abi:
        # The view already covers the masked folders with empty tmpfs: one rule per bound
        # folder is enough (about ten rules, where listing the stdlib's entries made 200).
        paths = landlock.rules_for(
            dirs=plan.dirs, files=plan.files, hidden=(), writable=["/dev/null"]
        )
        rules = landlock.open_rules(paths)
    return child.WarmContext(
        proc_fd=proc_fd,
        rules=tuple(rules),
        landlock_abi=abi,
        filter=program_filter,
        limits=child.Limits.from_settings(settings),
        keep_in_tmp=plan.under_tmp,
    )


def _serve(
    sock: socket.socket,
    settings: dict[str, Any],
    context: child.WarmContext,
    groups: cgroups.ChildCgroups | None,
    pid_namespaces: namespaces.ChildPidNamespaces,
) -> None:
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    children: dict[int, str] = {}
    counter = 0
    wanted = int(settings["prefork"])
    while True:
        while wanted > 0:
            counter += 1
            key = f"c{counter}"
            pid = _fork_child(sock, key, context, groups, pid_namespaces)
            children[pid] = key
            wanted -= 1
        readable, _, _ = select.select([sock.fileno(), wake_r], [], [])
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                while os.read(wake_r, 512):
                    pass
            _reap(sock, children, groups)
        if sock.fileno() in readable:
            try:
                message = sock.recv(64)
            except ConnectionResetError:  # closed with our reports unread: it went away too
                message = b""
            if not message:  # the parent went away: so do we, and the kernel kills the rest
                return
            wanted += message.count(b"W")


def _reap(
    sock: socket.socket, children: dict[int, str], groups: cgroups.ChildCgroups | None
) -> None:
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        key = children.pop(pid, "")
        oom = bool(groups and key and groups.memory_killed(key))
        cpu_ms = int((usage.ru_utime + usage.ru_stime) * 1000)
        with contextlib.suppress(OSError):
            sock.send(b"X %d %d %d %d" % (pid, status, oom, cpu_ms))
        if groups and key:
            groups.release(key)


def _fork_child(
    sock: socket.socket,
    key: str,
    context: child.WarmContext,
    groups: cgroups.ChildCgroups | None,
    pid_namespaces: namespaces.ChildPidNamespaces,
) -> int:
    job_r, job_w = os.pipe2(os.O_CLOEXEC)
    res_r, res_w = os.pipe2(os.O_CLOEXEC)
    pid_namespaces.before_fork()
    try:
        pid = os.fork()
    except BaseException:
        pid_namespaces.after_fork()
        raise
    if pid == 0:
        signal.set_wakeup_fd(-1)
        child.run_warm(job_r, res_w, context)
    pid_namespaces.after_fork()
    os.close(job_r)
    os.close(res_w)
    if groups is not None:
        try:
            groups.attach(
                pid,
                key,
                max_tasks=context.limits.max_threads,
                memory_bytes=context.limits.cgroup_memory_bytes,
            )
        except OSError:
            os.kill(pid, signal.SIGKILL)  # never hand out a child without its limits
            raise
    pidfd = os.pidfd_open(pid)
    fds = array.array("i", [job_w, res_r, pidfd])
    try:
        sock.sendmsg([b"C %d" % pid], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    except OSError:
        os.kill(pid, signal.SIGKILL)
    for fd in fds:
        os.close(fd)
    return pid
