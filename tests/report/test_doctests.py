"""The worked examples in the report's docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "arcloop.report.charts",
    "arcloop.report.content",
    "arcloop.report.fmt",
    "arcloop.report.highlight",
    "arcloop.report.page",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
