"""Shared test configuration: the repo root is importable, and tests never touch the network."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# LiteLLM must never fetch its price map or phone home from a test.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

if TYPE_CHECKING:
    from tests.abruns import Runs


@pytest.fixture(scope="session")
def ab_runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Real runs to compare, made once per session (``tests/abruns.py``)."""
    from tests.abruns import make_runs

    return make_runs(tmp_path_factory.mktemp("ab"))
