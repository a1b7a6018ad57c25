"""Which protections the sandbox gets on this machine, for ``arcloop doctor`` and the log.

``doctor_report()`` probes in a fresh interpreter (it never forks the caller) and returns a
``ProtectionReport``; ``ProtectionReport.lines()`` gives one human line per protection.
Left out: printing (the CLI decides how the report looks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Protection:
    """One protection layer: its name, whether it is active here, and what it does."""

    name: str
    active: bool
    detail: str


@dataclass(frozen=True, slots=True)
class ProtectionReport:
    """What confines sandbox children on this machine.

    Attributes:
        landlock_abi: the kernel's Landlock ABI (0: none).
        seccomp: seccomp filters can be loaded through libseccomp.
        user_namespaces: a child can get a private, size-capped tmpfs as its cwd.
        mode: what ``SandboxConfig(mode="auto")`` picks here.
        missing: the protections whose absence forces the slow fallback.
        protections: every layer, active or not.
    """

    landlock_abi: int
    seccomp: bool
    user_namespaces: bool
    mode: Literal["warm", "fresh"]
    missing: tuple[str, ...]
    protections: tuple[Protection, ...]

    def lines(self) -> list[str]:
        """One line per protection, e.g. ``"[on ] seccomp: ..."``."""
        head = f"sandbox mode: {self.mode}" + (
            f" (missing: {', '.join(self.missing)})" if self.missing else ""
        )
        return [head] + [
            f"[{'on ' if p.active else 'OFF'}] {p.name}: {p.detail}" for p in self.protections
        ]


def report_from_probe(facts: dict[str, Any]) -> ProtectionReport:
    """Build the report from the probe's facts (``landlock_abi``, ``seccomp``,
    ``user_namespaces``)."""
    abi = int(facts.get("landlock_abi", 0))
    seccomp = bool(facts.get("seccomp", False))
    userns = bool(facts.get("user_namespaces", False))
    missing = tuple(
        name for name, ok in (("Landlock", abi > 0), ("seccomp", seccomp)) if not ok
    )
    protections = (
        Protection("clean environment", True, "children start with an empty environment"),
        Protection("rlimits", True, "address space, CPU seconds, file size, open files, no core"),
        Protection("process group kill", True, "a wall-clock deadline kills the child"),
        Protection("result channel", True, "bounded JSON on a dedicated pipe, grids re-validated"),
        Protection("Landlock filesystem", abi > 0,
                   f"ABI {abi}: read-only stdlib/numpy/scipy, read-write temp dir only"),
        Protection("Landlock network", abi >= 4, "TCP bind and connect denied (ABI >= 4)"),
        Protection("Landlock signal scope", abi >= 6, "no signals out of the sandbox (ABI >= 6)"),
        Protection("seccomp", seccomp,
                   "deny-list: sockets, exec, fork, ptrace, foreign kill, mount, setsid, ..."),
        Protection("private tmpfs", userns,
                   "cwd is a size-capped tmpfs in a user namespace (disk cannot fill)"),
        Protection("warm fork", not missing, "pre-forked children of a warm numpy/scipy process"),
    )
    return ProtectionReport(
        landlock_abi=abi,
        seccomp=seccomp,
        user_namespaces=userns,
        mode="fresh" if missing else "warm",
        missing=missing,
        protections=protections,
    )


def doctor_report() -> ProtectionReport:
    """Probe this machine (in a fresh interpreter) and say which protections are active."""
    from arcloop.sandbox._children import probe_machine

    return report_from_probe(probe_machine())
