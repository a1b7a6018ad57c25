"""One warm sandbox shared by the sandbox tests (starting one costs ~0.5 s).

A fake API key is put in the parent's environment *before* the sandbox starts, so the tests
can check that it never reaches a child.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from arcloop.sandbox import ProcessSandbox, SandboxConfig

FAKE_KEY_NAME = "ARCLOOP_TEST_PROVIDER_API_KEY"
FAKE_KEY = "sk-arcloop-fake-0123456789abcdef"

# Tight limits keep hostile programs short: a 2 s wall clock and 256 MiB of headroom.
TEST_CONFIG = SandboxConfig(timeout_s=2.0, cpu_seconds=2, memory_mib=256, warm_processes=2)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[ProcessSandbox]:
    previous = os.environ.get(FAKE_KEY_NAME)
    os.environ[FAKE_KEY_NAME] = FAKE_KEY
    box = ProcessSandbox(TEST_CONFIG)
    try:
        box.start()
        yield box
    finally:
        box.close()
        if previous is None:
            os.environ.pop(FAKE_KEY_NAME, None)
        else:
            os.environ[FAKE_KEY_NAME] = previous


@pytest.fixture(scope="session")
def roomy_sandbox() -> Iterator[ProcessSandbox]:
    """Default limits: a cold ``import scipy.stats`` may take seconds on a busy machine."""
    with ProcessSandbox(SandboxConfig(timeout_s=60, memory_mib=512)) as box:
        yield box
