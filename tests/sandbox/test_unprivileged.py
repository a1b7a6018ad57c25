"""The sandbox run by an ordinary user: no cgroups, no unprivileged uid to drop to, and the
children are that user's own processes. The tests run as root and start arcloop as uid 4242
(``unprivileged.py``)."""

from __future__ import annotations

import os

import pytest

from tests.sandbox.unprivileged import USER, run_as_user

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and not os.environ.get("CI"), reason="starting another user needs root"
)

COMMON = """
import json, os, textwrap
from arcloop.sandbox import ProcessSandbox, SandboxConfig, process
GRID = ((1, 2), (3, 4))
ROTATE = "import numpy as np\\ndef transform(grid):\\n    return np.rot90(grid)\\n"
def row(box, body):
    (outcome,) = box.run_sync(textwrap.dedent(body), [GRID])
    if outcome.grid is None:
        return [outcome.failure.kind, outcome.failure.message.split(":")[0]]
    return list(outcome.grid[0])
"""

WARM = (
    COMMON
    + """
config = SandboxConfig(timeout_s=10, warm_processes=1, max_threads=8)
out = {"uid": os.geteuid()}
with ProcessSandbox(config) as box:
    report = box.protections()
    out["mode"], out["off"], out["verdict"] = box.mode, list(report.off), report.verdict
    out["rotate"] = row(box, ROTATE)
    out["bomb"] = row(box, '''
        import threading
        def transform(grid):
            hold, made = threading.Event(), 0
            try:
                for _ in range(5000):
                    threading.Thread(target=hold.wait, daemon=True).start()
                    made += 1
            except RuntimeError:
                pass
            return [[made]]
    ''')
    out["environ"] = row(box, '''
        import os
        def transform(grid):
            return [[len(open("/proc/%d/environ" % os.getppid()).read())]]
    ''')
    out["nice"] = row(box, '''
        import os
        def transform(grid):
            os.setpriority(os.PRIO_USER, 0, 19)
            return grid
    ''')
    out["break"] = row(box, '''
        import os
        def transform(grid):
            for target in ("/", "/tmp", "."):
                try:
                    os.chmod(target, 0)
                except OSError:
                    pass
            return [[7]]
    ''')
    out["after"] = [row(box, ROTATE) for _ in range(5)]
out["own_nice"] = os.getpriority(os.PRIO_PROCESS, 0)
print(json.dumps(out))
"""
)


def test_as_an_ordinary_user_the_sandbox_is_warm_and_contains() -> None:
    out = run_as_user(WARM)
    assert out["uid"] == USER
    assert out["mode"] == "warm"
    # Only what needs root is off, and the verdict says so instead of "fully contained".
    assert out["off"] == ["memory cgroup"]
    assert "fully contained" not in out["verdict"]
    assert out["rotate"] == [2, 4]
    assert 1 <= out["bomb"][0] < 8  # RLIMIT_NPROC in the child's own user namespace
    assert out["environ"] == ["exception", "FileNotFoundError"]  # no /proc in its view
    assert out["nice"] == ["exception", "PermissionError"]
    assert out["break"] == [7]
    assert out["after"] == [[2, 4]] * 5  # a chmod of its own root breaks nothing
    assert out["own_nice"] == 0


FALLBACK = (
    COMMON
    + """
facts = {"landlock_abi": 0, "seccomp": False, "namespaces": False, "user_namespaces": False,
         "cgroups": [], "root": False}
process.probe_machine = lambda: facts
out = {}
with ProcessSandbox(SandboxConfig(timeout_s=10)) as box:
    out["mode"] = box.mode
    out["rotate"] = row(box, ROTATE)
    out["environ"] = row(box, '''
        import os
        def transform(grid):
            return [[len(open("/proc/%d/environ" % os.getppid(), "rb").read()) > 0]]
    ''')
    out["escape"] = row(box, '''
        import os
        def transform(grid):
            if os.fork() == 0:
                os.setsid()
                import time
                time.sleep(60)
            return grid
    ''')
print(json.dumps(out))
"""
)


def test_as_an_ordinary_user_the_fallback_keeps_the_parent_and_its_keys_apart() -> None:
    out = run_as_user(FALLBACK)
    assert out["mode"] == "fresh"  # no --unsafe-sandbox needed: it is not root
    assert out["rotate"] == [2, 4]
    assert out["environ"] == ["exception", "PermissionError"]  # the parent is undumpable
    assert out["escape"] == ["exception", "BlockingIOError"]  # RLIMIT_NPROC 0: no fork at all
