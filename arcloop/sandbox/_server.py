"""The warm server: a clean interpreter with numpy and scipy loaded that forks sandbox children.

Run as a script by ``ProcessSandbox`` (``python -I _server.py SETTINGS_JSON``), never imported
by the key-holding parent. Two modes:

* ``warm``: talk to the parent over the SOCK_SEQPACKET socket its settings name. Keep ``prefork``
  children forked ahead of need; each child confines itself at once (new process group,
  private tmpfs, empty environment, rlimits, Landlock, seccomp) and then blocks reading its
  job. The server hands each ready child to the parent as ``b"C <pid>"`` with three file
  descriptors (job pipe write end, result pipe read end, pidfd), so the parent talks to the
  child directly. ``b"W"`` from the parent asks for one more child. When a child exits the
  server reaps it, removes its temp dir and reports ``b"X <pid> <wait status>"``.
* ``single``: be one child (the fallback with a fresh process per evaluation): job on stdin,
  results on the fd its settings name.

A child reads one job (JSON ``{"code": ..., "inputs": [...]}``) to EOF, writes
``{"started": 1}`` and then one JSON line per input (see ``_program``) on its result pipe.
Imports only the standard library, numpy, scipy and (when present) pyseccomp.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from typing import Any

# Before numpy loads: one thread per BLAS pool, so a child is one process and one core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"


def _load_sibling(name: str) -> Any:
    """Import a module that sits next to this script, by path (this folder is not on
    sys.path: its ``types.py`` would shadow the standard library's)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    spec = importlib.util.spec_from_file_location(f"arcloop_sandbox{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_confine = _load_sibling("_confine")
_program = _load_sibling("_program")

import array  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402

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
_EXIT_CONFINE_FAILED = 70


def main(argv: list[str]) -> None:
    settings: dict[str, Any] = json.loads(argv[1])
    if settings["mode"] == "warm":  # a single child imports only what its program needs
        for name in (*_STDLIB_PRELOAD, *settings["preload"]):
            importlib.import_module(name)
    allow = _allowlist()
    if settings["landlock"]:
        allow["rules"] = _confine.open_path_rules(
            read_dirs=allow["dirs"], read_files=allow["files"], list_dirs=allow["listable"]
        )
    if settings["seccomp"]:
        allow["seccomp"] = _confine.compile_seccomp()
    # Children never collect the server's objects: touching them would copy every page.
    gc.collect()
    gc.freeze()
    if settings["mode"] == "single":
        _child(0, settings["result_fd"], settings["tmpdir"], settings, allow, warm=False)
    _serve(socket.socket(fileno=settings["sock_fd"]), settings, allow)


def _allowlist() -> dict[str, Any]:
    """Paths the child may read: the stdlib (minus site-packages), numpy, scipy, loaded libs."""
    dirs: list[str] = []
    files: list[str] = ["/etc/ld.so.cache"]
    listable: list[str] = []
    stdlib = os.path.dirname(os.__file__)
    listable.append(stdlib)
    for entry in os.scandir(stdlib):
        if entry.name in ("site-packages", "dist-packages"):
            continue
        (dirs if entry.is_dir() else files).append(entry.path)
    for name in ("numpy", "scipy"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        package = os.path.dirname(spec.origin)
        dirs += [package, package + ".libs"]
    with open("/proc/self/maps", encoding="utf-8") as maps:
        mapped = {line.split(None, 5)[5].strip() for line in maps if len(line.split(None, 5)) == 6}
    # Shared libraries already mapped (libc, libpython, ...) stay readable for lazy dlopen;
    # never one from another package in site-packages.
    for path in sorted(mapped):
        parts = path.split(os.sep)
        if (
            path.startswith("/")
            and ".so" in path
            and "site-packages" not in parts
            and "dist-packages" not in parts
            and not any(path.startswith(d + os.sep) for d in dirs)
        ):
            files.append(path)
    return {"dirs": dirs, "files": files, "listable": listable}


def _serve(sock: socket.socket, settings: dict[str, Any], allow: dict[str, Any]) -> None:
    _confine.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != settings["parent_pid"]:
        return
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    tmpdirs: dict[int, str] = {}
    counter = 0
    wanted = int(settings["prefork"])
    while True:
        while wanted > 0:
            counter += 1
            tmp = os.path.join(settings["root"], f"{os.getpid()}-{counter}")
            os.mkdir(tmp, 0o700)
            pid = _fork_child(sock, tmp, settings, allow)
            tmpdirs[pid] = tmp
            wanted -= 1
        readable, _, _ = select.select([sock.fileno(), wake_r], [], [])
        if wake_r in readable:
            while True:
                try:
                    if not os.read(wake_r, 512):
                        break
                except BlockingIOError:
                    break
            _reap(sock, tmpdirs)
        if sock.fileno() in readable:
            message = sock.recv(64)
            if not message:  # the parent went away: take every child down with us
                for pid in tmpdirs:
                    _kill(pid)
                return
            wanted += message.count(b"W")


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(sock: socket.socket, tmpdirs: dict[int, str]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        with contextlib.suppress(OSError):
            sock.send(b"X %d %d" % (pid, status))
        shutil.rmtree(tmpdirs.pop(pid, ""), ignore_errors=True)


def _fork_child(
    sock: socket.socket,
    tmp: str,
    settings: dict[str, Any],
    allow: dict[str, Any],
) -> int:
    job_r, job_w = os.pipe2(os.O_CLOEXEC)
    res_r, res_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        signal.set_wakeup_fd(-1)
        _child(job_r, res_w, tmp, settings, allow, warm=True)
    os.close(job_r)
    os.close(res_w)
    pidfd = os.pidfd_open(pid)
    fds = array.array("i", [job_w, res_r, pidfd])
    try:
        sock.sendmsg([b"C %d" % pid], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    except OSError:
        _kill(pid)
    for fd in fds:
        os.close(fd)
    return pid


def _child(
    job_fd: int,
    result_fd: int,
    tmp: str,
    settings: dict[str, Any],
    allow: dict[str, Any],
    *,
    warm: bool,
) -> None:
    """Confine this process, then run one job. Never returns."""
    try:
        _confine_self(job_fd, result_fd, tmp, settings, allow, warm=warm)
    except BaseException:
        os._exit(_EXIT_CONFINE_FAILED)
    chunks = []
    while True:
        chunk = os.read(job_fd, 1 << 16)
        if not chunk:
            break
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
        _program.run_program(job["code"], job["inputs"], emit)
    finally:
        os._exit(0)


def _confine_self(
    job_fd: int,
    result_fd: int,
    tmp: str,
    settings: dict[str, Any],
    allow: dict[str, Any],
    *,
    warm: bool,
) -> None:
    if warm:
        os.setpgid(0, 0)
        _confine.set_parent_death_signal(signal.SIGKILL)
    else:  # best effort: not every OS has PR_SET_PDEATHSIG
        with contextlib.suppress(OSError, AttributeError):
            _confine.set_parent_death_signal(signal.SIGKILL)
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an OSError, not a death
    null = os.open("/dev/null", os.O_RDWR)
    if warm:
        os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(null, 2)
    keep = sorted({0, 1, 2, job_fd, result_fd, *(fd for fd, _ in allow.get("rules", ()))})
    for low, high in zip(keep, [*keep[1:], 1 << 20], strict=True):
        os.closerange(low + 1, high)
    os.set_inheritable(job_fd, False)
    os.set_inheritable(result_fd, False)
    if settings["tmpfs"]:
        _confine.private_tmpfs(tmp, size_bytes=settings["disk_bytes"], inodes=1024)
    os.chdir(tmp)
    os.environ.clear()
    tempfile.tempdir = tmp
    sys.dont_write_bytecode = True
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            vsize = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no procfs: the limit is then the headroom alone
        vsize = 0
    if settings["landlock"]:
        _confine.apply_landlock(rules=allow["rules"], write_dirs=[tmp], abi=settings["landlock"])
        for fd, _ in allow["rules"]:
            os.close(fd)
    # After the rule fds are closed (the open-files limit counts fd numbers), before seccomp
    # (which forbids setrlimit).
    _confine.apply_rlimits(
        address_space=vsize + settings["memory_bytes"],
        cpu_seconds=settings["cpu_seconds"],
        file_size=settings["file_bytes"],
        open_files=settings["open_files"],
        no_processes=not settings["seccomp"],
    )
    if settings["seccomp"]:
        _confine.load_seccomp(allow["seccomp"])
    _only_numpy_and_scipy()


class _AllowedPackages:
    """A meta path finder that finds only numpy and scipy in site-packages.

    site-packages leaves ``sys.path``, so an optional ``import x`` inside numpy or scipy sees
    a clean ``ModuleNotFoundError`` instead of Landlock's ``PermissionError``.
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


if __name__ == "__main__":
    main(sys.argv)
