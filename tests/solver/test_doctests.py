"""The worked examples in the solver's, prompts' and presets' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "arcloop.presets",
    "arcloop.prompts.catalog",
    "arcloop.prompts.render",
    "arcloop.prompts.task_text",
    "arcloop.solver.config",
    "arcloop.solver.expert",
    "arcloop.solver.extract",
    "arcloop.solver.feedback",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
