"""arcloop: solve ARC-AGI tasks with model-written programs, sandboxed feedback and voting.

The package's top level is its public API for notebooks and scripts, above every layer::

    import arcloop
    c = arcloop.compare("runs/prompt-1", "runs/prompt-2")   # a Comparison: B against A
    c.pair("B").p_value, c.pair("B").score_difference

It imports nothing at import time (``import arcloop`` stays instant, and no module of the
package imports it back): each function loads what it needs when called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from arcloop._version import __version__

if TYPE_CHECKING:
    from arcloop.runs.comparison import Comparison

__all__ = ["__version__", "compare", "compare_arms"]


def compare(a: str | Path, b: str | Path, *more: str | Path, intersect: bool = False) -> Comparison:
    """Compare runs on the same tasks, B (and C, ...) against A: see
    ``arcloop.runs.compare.compare``."""
    from arcloop.runs.compare import compare as compare_runs

    return compare_runs(a, b, *more, intersect=intersect)


def compare_arms(
    a: list[str | Path], b: list[str | Path], *more: list[str | Path], intersect: bool = False
) -> Comparison:
    """Compare arms of several runs each (seeds), B (and C, ...) against A: see
    ``arcloop.runs.compare.compare_arms``."""
    from arcloop.runs.compare import compare_arms as compare_runs_arms

    return compare_runs_arms(a, b, *more, intersect=intersect)
