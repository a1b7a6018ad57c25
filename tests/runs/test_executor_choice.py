"""The config names the executor; executors other than ``local`` are found by entry point."""

from __future__ import annotations

from importlib.metadata import EntryPoint, EntryPoints

import pytest

from arcloop.errors import ConfigError
from arcloop.runs import executor
from arcloop.runs.config import Overrides, resolve
from arcloop.runs.executor import ENTRY_POINTS, choose_executor
from arcloop.runs.local import LocalExecutor


def test_a_run_is_local_unless_its_config_says_otherwise() -> None:
    assert choose_executor(resolve()) is LocalExecutor


def test_the_ray_executor_is_found_through_its_entry_point() -> None:
    pytest.importorskip("ray")
    from arcloop.runs.ray.executor import RayExecutor

    assert choose_executor(resolve(overrides=Overrides(executor="ray"))) is RayExecutor


def test_an_executor_that_cannot_load_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = EntryPoint(name="ray", value="arcloop_no_such_module:RayExecutor", group=ENTRY_POINTS)
    monkeypatch.setattr(executor, "entry_points", lambda **_: EntryPoints([broken]))
    with pytest.raises(ConfigError, match=r"pip install 'arcloop\[ray\]'"):
        choose_executor(resolve(overrides=Overrides(executor="ray")))
