"""Run untrusted ``transform`` programs on grids: fast (warm pre-forked children) and contained.

Public API: ``ProcessSandbox`` (implements the ``Sandbox`` protocol), ``SandboxConfig``,
``doctor_report`` / ``ProtectionReport``, and the value types ``Outcome``, ``Failure``,
``FailureKind``.
"""

from arcloop.sandbox.config import SandboxConfig
from arcloop.sandbox.doctor import Protection, ProtectionReport, doctor_report
from arcloop.sandbox.process import ProcessSandbox
from arcloop.sandbox.types import Failure, FailureKind, Outcome, Sandbox

__all__ = [
    "Failure",
    "FailureKind",
    "Outcome",
    "ProcessSandbox",
    "Protection",
    "ProtectionReport",
    "Sandbox",
    "SandboxConfig",
    "doctor_report",
]
