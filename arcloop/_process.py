"""Processes arcloop starts die with it, even when it is killed with SIGKILL."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies; exit at once if the parent
    is already gone (Linux only; elsewhere a no-op). Use it as a pool's ``initializer``."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


_REAPER = r"""
import os, select, signal, sys
parent, pipe = int(sys.argv[1]), int(sys.argv[2])
seen = {}

def table():
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append((int(name), fields[19]))
    return children

def below(roots, children):
    # the whole tree under roots now: a process seen before may have new children
    found, frontier = {}, list(roots)
    while frontier:
        for child, started in children.get(frontier.pop(), []):
            if child != os.getpid() and child not in found:
                found[child] = started
                frontier.append(child)
    return found

def remember():
    seen.update(below([parent], table()))

while True:
    ready, _, _ = select.select([pipe], [], [], 0.5)
    if ready:
        if os.read(pipe, 1) == b"q":
            sys.exit(0)
        break
    remember()
killed = set()
for _ in range(3):  # what the doomed started since the last look goes too
    children = table()
    alive = {pid: started for kids in children.values() for pid, started in kids}
    doomed = {pid: started for pid, started in seen.items() if alive.get(pid) == started}
    doomed.update(below(list(doomed), children))
    seen.update(doomed)
    fresh = [pid for pid in doomed if pid not in killed]
    if not fresh:
        break
    for pid in fresh:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    killed.update(fresh)
"""


class Reaper:
    """A small watchdog process for what arcloop starts but cannot tie to itself.

    It notes every descendant of this process twice a second; when this process dies (its
    pipe closes without a word, as on SIGKILL) it kills each of them that still runs, the
    ones that were orphaned included, and whatever those started since its last look.
    ``release()`` ends it without killing anything.
    Use it for processes that start their own daemons (a local Ray), where a parent-death
    signal on the direct child is not enough.
    """

    def __init__(self) -> None:
        read_end, self._write_end = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _REAPER, str(os.getpid()), str(read_end)],
                pass_fds=(read_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C to the terminal's group must not reach it
            )
        finally:
            os.close(read_end)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def release(self) -> None:
        """Stop watching: the processes it noted are left alone."""
        if self._write_end < 0:
            return
        with contextlib.suppress(OSError):
            os.write(self._write_end, b"q")
        os.close(self._write_end)
        self._write_end = -1
        self._proc.wait()
