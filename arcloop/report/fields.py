"""Lenient readers for stored JSON: a value of the wrong type reads as empty, never raises.

The report must open for runs written by older or newer arcloop versions (and for journals a
user edited), so a missing or odd field shows as nothing rather than stopping the report.

>>> as_int(3.0), as_int("3"), as_int(True), as_float(None, 1.5), as_list("ab"), as_str(5)
(3, 0, 0, 1.5, [], None)
"""

from __future__ import annotations

from typing import Any


def _is_number(obj: Any) -> bool:
    return isinstance(obj, int | float) and not isinstance(obj, bool)


def as_int(obj: Any) -> int:
    """``obj`` as an int when it is a number, else 0."""
    return int(obj) if _is_number(obj) else 0


def as_float(obj: Any, default: float = 0.0) -> float:
    """``obj`` as a float when it is a number, else ``default``."""
    return float(obj) if _is_number(obj) else default


def opt_float(obj: Any) -> float | None:
    """``obj`` as a float when it is a number, else None."""
    return float(obj) if _is_number(obj) else None


def as_str(obj: Any) -> str | None:
    """``obj`` when it is a string, else None."""
    return obj if isinstance(obj, str) else None


def as_list(obj: Any) -> list[Any]:
    """``obj`` when it is a list, else []."""
    return obj if isinstance(obj, list) else []


def as_dict(obj: Any) -> dict[str, Any]:
    """``obj`` when it is a dict, else {}."""
    return obj if isinstance(obj, dict) else {}


def member(obj: Any) -> tuple[int, int] | None:
    """A vote member ``[expert, iteration]`` as a pair of ints, or None when malformed."""
    pair = as_list(obj)
    if len(pair) != 2 or not all(_is_number(x) for x in pair):
        return None
    return (int(pair[0]), int(pair[1]))
