"""``SandboxConfig``: every limit and knob of the sandbox, validated on construction.

Left out: per-program overrides (one config per sandbox) and the TOML section name, which
belongs to the run config that embeds this model.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

WARM_PER_CORE = 4
"""Warm processes a core can carry: each is an interpreter holding numpy and scipy."""
MAX_PREFORKED = 256
"""Children forked ahead of need, across all warm processes."""


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class SandboxConfig(BaseModel):
    """Limits and pool sizes for ``ProcessSandbox``.

    Attributes:
        timeout_s: wall-clock limit for one evaluation (all inputs of one program), seconds.
        cpu_seconds: CPU-time limit of one evaluation's child.
        memory_mib: address space a child may add on top of the warm interpreter's.
        disk_mib: size of the child's private tmpfs (its cwd), when user namespaces work.
        file_mib: largest file a child may write.
        open_files: most file descriptors a child may hold.
        max_output_bytes: most bytes a child may send on its result channel.
        warm_processes: warm servers kept running (default: the number of cores).
        prefork: children each warm server keeps forked ahead of need.
        max_concurrent: evaluations running at once (default: the number of cores);
            further calls wait their turn and their clock starts when they run.
        max_threads: threads a child may run at once, its own included (a pids cgroup, or
            RLIMIT_NPROC in the child's own user namespace).
        mode: ``"auto"`` picks ``"warm"`` when namespaces and seccomp are both available and
            falls back to ``"fresh"`` (a new interpreter per evaluation, not contained)
            otherwise; ``"warm"`` refuses to start without them.
        allow_unsafe: let the fresh fallback run programs when arcloop runs as root (it
            refuses otherwise); the command line's ``--unsafe-sandbox``.
        preload: modules the warm servers import before forking.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_s: float = Field(default=10.0, gt=0, le=3600)
    cpu_seconds: int = Field(default=10, ge=1, le=3600)
    memory_mib: int = Field(default=1024, ge=64, le=1 << 20)
    disk_mib: int = Field(default=64, ge=1, le=1 << 16)
    file_mib: int = Field(default=16, ge=1, le=1 << 16)
    open_files: int = Field(default=64, ge=16, le=1 << 16)
    max_output_bytes: int = Field(default=1 << 20, ge=1 << 12, le=1 << 30)
    warm_processes: int = Field(default_factory=_cores, ge=1, le=256)
    prefork: int = Field(default=2, ge=1, le=64)
    max_concurrent: int = Field(default_factory=_cores, ge=1, le=1024)
    max_threads: int = Field(default=16, ge=1, le=4096)
    mode: Literal["auto", "warm", "fresh"] = "auto"
    allow_unsafe: bool = False
    preload: tuple[str, ...] = ("numpy", "scipy", "scipy.ndimage")

    @model_validator(mode="after")
    def _fits_together_and_this_machine(self) -> SandboxConfig:
        cores = _cores()
        if self.warm_processes > WARM_PER_CORE * cores:
            raise ValueError(
                f"warm_processes = {self.warm_processes} is more than {WARM_PER_CORE} per core"
                f" on this machine ({cores} cores); each is an interpreter holding numpy and"
                " scipy"
            )
        if self.warm_processes * self.prefork > MAX_PREFORKED:
            raise ValueError(
                f"warm_processes x prefork = {self.warm_processes} x {self.prefork} children"
                f" forked ahead of need; at most {MAX_PREFORKED}"
            )
        return self
