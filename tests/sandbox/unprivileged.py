"""Run a Python script as an ordinary user, to test the sandbox's paths for a non-root user.

The tests run as root, and the interpreter may sit where only root can go (``/root/.pyenv``).
The script runs in a private mount namespace in which every folder on the way to the
interpreter, the virtual environment and this repository that others may not cross is covered
by a tmpfs holding binds of just the entries on the way: nothing changes on the host.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

USER = 4242
ROOT = Path(__file__).resolve().parents[2]

_BOOT = r"""
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
def check(res, what):
    if res != 0:
        raise OSError(ctypes.get_errno(), what)
def mount(source, target, fstype, flags, data=None):
    check(libc.mount(source, target.encode(), fstype, flags, data), "mount " + target)
args = json.loads(sys.argv[1])
check(libc.unshare(0x00020000), "unshare(CLONE_NEWNS)")
mount(None, "/", None, (1 << 14) | (1 << 18))  # MS_REC | MS_PRIVATE
blocked = {}
for path in args["paths"]:
    parts = path.strip("/").split("/")
    for i in range(len(parts) - 1):
        folder = "/" + "/".join(parts[:i])
        if not os.stat(folder).st_mode & 0o001:
            blocked.setdefault(folder, set()).add(parts[i])
for folder, names in sorted(blocked.items()):
    fds = {n: os.open(os.path.join(folder, n), os.O_PATH) for n in names}
    mount(b"t", folder, b"tmpfs", 0, b"mode=0755")
    for name, fd in fds.items():
        target = os.path.join(folder, name)
        os.mkdir(target)
        mount(("/proc/self/fd/%d" % fd).encode(), target, None, 4096)  # MS_BIND
os.setgroups([])
os.setresgid(args["uid"], args["uid"], args["uid"])
os.setresuid(args["uid"], args["uid"], args["uid"])
os.chdir(args["cwd"])
os.execve(sys.executable, [sys.executable, "-c", args["script"]], args["env"])
"""


def run_as_user(script: str, *, timeout: float = 180) -> Any:
    """Run ``script`` as uid ``USER`` and return what it printed last, parsed as JSON."""
    with tempfile.TemporaryDirectory(prefix="arcloop-user-") as scratch:
        os.chown(scratch, USER, USER)
        args = {
            "uid": USER,
            "cwd": scratch,
            "script": script,
            "paths": [sys.executable, os.path.realpath(sys.executable), sys.prefix, str(ROOT)],
            "env": {
                "PATH": "/usr/bin:/bin",
                "HOME": scratch,
                "PYTHONPATH": str(ROOT),
                "ARCLOOP_TEST_PROVIDER_API_KEY": "sk-arcloop-unprivileged-parent",
            },
        }
        done = subprocess.run(
            [sys.executable, "-c", _BOOT, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
