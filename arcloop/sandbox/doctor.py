"""Which protections the sandbox gets on this machine, for ``arcloop doctor`` and the log.

``doctor_report()`` probes in a fresh interpreter (it never forks the caller) and returns a
``ProtectionReport``: ``checks`` (one ``Protection`` per layer, ``ok`` or not), a one-line
``verdict``, and ``lines()`` for printing.
Left out: printing (the CLI decides how the report looks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


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
        user_namespaces: a child can get a private, size-capped tmpfs as its cwd.
        mode: what ``SandboxConfig(mode="auto")`` picks here.
        missing: the protections whose absence forces the slow fallback.
        checks: every layer, active or not.
    """

    landlock_abi: int
    seccomp: bool
    user_namespaces: bool
    mode: Literal["warm", "fresh"]
    missing: tuple[str, ...]
    checks: tuple[Protection, ...]

    @property
    def verdict(self) -> str:
        """One line: the mode the sandbox runs in here, and what is missing."""
        if not self.missing:
            return "sandbox mode: warm (fast, fully contained)"
        return (
            f"sandbox mode: fresh (missing: {', '.join(self.missing)}; slow fallback, "
            "less contained)"
        )

    def lines(self) -> list[str]:
        """The verdict, then one line per check, e.g. ``"[on ] seccomp: ..."``."""
        return [self.verdict] + [
            f"[{'on ' if c.ok else 'OFF'}] {c.name}: {c.detail}" for c in self.checks
        ]


def report_from_probe(facts: dict[str, Any]) -> ProtectionReport:
    """Build the report from the probe's facts (``landlock_abi``, ``seccomp``,
    ``user_namespaces``)."""
    abi = int(facts.get("landlock_abi", 0))
    seccomp = bool(facts.get("seccomp", False))
    userns = bool(facts.get("user_namespaces", False))
    missing = tuple(name for name, ok in (("Landlock", abi > 0), ("seccomp", seccomp)) if not ok)
    checks = (
        Protection("clean environment", True, "children start with an empty environment"),
        Protection("rlimits", True, "address space, CPU seconds, file size, open files, no core"),
        Protection(
            "wall-clock kill",
            True,
            "a deadline kills the child (its whole process group in the fallback)",
        ),
        Protection("result channel", True, "bounded JSON on a dedicated pipe, grids re-validated"),
        Protection(
            "Landlock filesystem",
            abi > 0,
            f"ABI {abi}: read-only stdlib/numpy/scipy, read-write temp dir only",
        ),
        Protection("Landlock network", abi >= 4, "TCP bind and connect denied (ABI >= 4)"),
        Protection("Landlock signal scope", abi >= 6, "no signals out of the sandbox (ABI >= 6)"),
        Protection(
            "seccomp",
            seccomp,
            "deny-list: sockets, exec, fork, ptrace, foreign kill, mount, setsid, ...",
        ),
        Protection(
            "private tmpfs",
            userns,
            "cwd is a size-capped tmpfs in a user namespace (disk cannot fill)",
        ),
        Protection("warm fork", not missing, "pre-forked children of a warm numpy/scipy process"),
    )
    return ProtectionReport(
        landlock_abi=abi,
        seccomp=seccomp,
        user_namespaces=userns,
        mode="fresh" if missing else "warm",
        missing=missing,
        checks=checks,
    )


def doctor_report() -> ProtectionReport:
    """Probe this machine (in a fresh interpreter) and say which protections are active."""
    from arcloop.sandbox._children import probe_machine

    return report_from_probe(probe_machine())
