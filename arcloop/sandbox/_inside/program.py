"""Inside the child: compile a program, call its ``transform`` per input, describe each result.

Every result becomes one small JSON-able record, written as soon as it is known:

    {"i": 0, "grid": [[1, 2], [3, 4]]}
    {"i": 1, "fail": "exception", "message": "ZeroDivisionError: ...", "traceback": "..."}
    {"syntax": "SyntaxError: invalid syntax (line 3)", "traceback": ""}

The child's description of a grid is only a first opinion: the parent parses bounded JSON and
validates every grid again, because the program may have tampered with this very module.

Imports only the standard library and numpy: the warm server loads this file outside the
``arcloop`` package. Left out: capturing the program's prints (they go to /dev/null).
"""

from __future__ import annotations

import builtins
import math
import numbers
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

FILENAME = "<program>"
MAX_SIDE = 30
MAX_MESSAGE = 500
MAX_TRACEBACK_FRAMES = 8
MAX_LINE = 160

Record = dict[str, Any]


def run_program(code: str, inputs: Sequence[Any], emit: Callable[[Record], None]) -> None:
    """Compile ``code``, then call ``transform`` on each input and ``emit`` one record each."""
    lines = code.splitlines()
    try:
        compiled = compile(code, FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        emit({"syntax": _syntax_message(exc), "traceback": ""})
        return
    namespace: dict[str, Any] = {"__name__": "__program__", "__builtins__": builtins}
    try:
        exec(compiled, namespace)
    except BaseException as exc:
        record = _failure(exc, lines)
        for i in range(len(inputs)):
            emit({"i": i, **record})
        return
    transform = namespace.get("transform")
    if not callable(transform):
        emit({"syntax": "the program defines no function named transform", "traceback": ""})
        return
    for i, grid in enumerate(inputs):
        try:
            result = transform(np.array(grid, dtype=np.int64))
        except BaseException as exc:
            emit({"i": i, **_failure(exc, lines)})
            continue
        try:
            cells, problem = to_cells(result)
        except BaseException as exc:
            cells, problem = None, f"wrong type: inspecting the result raised {_name(exc)}"
        if cells is not None:
            emit({"i": i, "grid": cells})
        else:
            emit({"i": i, "fail": "invalid_output", "message": problem or "not a grid"})


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _syntax_message(exc: SyntaxError | ValueError) -> str:
    if isinstance(exc, SyntaxError):
        return f"{_name(exc)}: {exc.msg} (line {exc.lineno})"[:MAX_MESSAGE]
    return f"{_name(exc)}: {exc}"[:MAX_MESSAGE]


def _failure(exc: BaseException, lines: list[str]) -> Record:
    kind = "memory" if isinstance(exc, MemoryError) else "exception"
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable>"
    message = f"{_name(exc)}: {text}" if text else _name(exc)
    return {
        "fail": kind,
        "message": message[:MAX_MESSAGE],
        "traceback": trimmed_traceback(exc, lines),
    }


def trimmed_traceback(exc: BaseException, lines: list[str]) -> str:
    """The frames of ``exc`` that lie in the program, innermost last, with program lines."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    out = []
    for frame in frames[-MAX_TRACEBACK_FRAMES:]:
        lineno = frame.lineno or 0
        source = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        out.append(f"  line {lineno}, in {frame.name}\n    {source[:MAX_LINE]}\n")
    if len(frames) > MAX_TRACEBACK_FRAMES:
        out.insert(0, f"  ... {len(frames) - MAX_TRACEBACK_FRAMES} earlier frames\n")
    return "".join(out)


def to_cells(result: Any) -> tuple[list[list[int]] | None, str | None]:
    """Turn ``transform``'s result into rows of ints 0-9, or say precisely why it is not a grid.

    >>> to_cells(np.zeros((2, 2)))
    ([[0, 0], [0, 0]], None)
    >>> to_cells([[1, 2], [3]])
    (None, 'ragged: row 1 has 1 cells, row 0 has 2')
    """
    if isinstance(result, np.ndarray):
        return _array_cells(result)
    if not isinstance(result, list | tuple):
        return None, f"wrong type: transform returned a {type(result).__name__}, not a grid"
    if not 1 <= len(result) <= MAX_SIDE:
        return None, f"size: {len(result)} rows; a grid has 1..{MAX_SIDE}"
    rows: list[list[int]] = []
    width = -1
    for r, row in enumerate(result):
        if isinstance(row, np.ndarray):
            if row.ndim != 1:
                return None, f"not 2-D: row {r} has {row.ndim} dimensions"
            row = row.tolist() if row.size <= MAX_SIDE else row
        if not isinstance(row, list | tuple | np.ndarray):
            if _is_number(row):
                return None, "not 2-D: got 1 dimension"
            return None, f"wrong type: row {r} is a {type(row).__name__}, not a list of cells"
        if r == 0:
            width = len(row)
            if not 1 <= width <= MAX_SIDE:
                return None, f"size: row 0 has {width} cells; a row has 1..{MAX_SIDE}"
        elif len(row) != width:
            return None, f"ragged: row {r} has {len(row)} cells, row 0 has {width}"
        out: list[int] = []
        for c, cell in enumerate(row):
            value, problem = _cell(cell)
            if problem is not None:
                return None, f"row {r} col {c}: {problem}"
            out.append(value)
        rows.append(out)
    return rows, None


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number | np.generic)


def _cell(cell: Any) -> tuple[int, str | None]:
    if isinstance(cell, bool | np.bool_):
        return 0, f"{cell!r} is a bool, not an int 0-9"
    if isinstance(cell, list | tuple | np.ndarray):
        return 0, "not 2-D: a cell holds a sequence (3 or more dimensions)"
    if isinstance(cell, int | np.integer):
        value = int(cell)
        if 0 <= value <= 9:
            return value, None
        return 0, f"{_short(value)} is not an int 0-9"
    if isinstance(cell, float | np.floating):
        number = float(cell)
        if math.isnan(number):
            return 0, "NaN is not an int 0-9"
        if number.is_integer() and 0 <= number <= 9:
            return int(number), None
        return 0, f"{_short(number)} is not an int 0-9"
    return 0, f"wrong type: a {type(cell).__name__} is not an int 0-9"


def _short(value: float) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "..."


def _array_cells(arr: np.ndarray[Any, Any]) -> tuple[list[list[int]] | None, str | None]:
    if arr.ndim != 2:
        return None, f"not 2-D: got {arr.ndim} dimensions, shape {arr.shape}"
    rows, cols = arr.shape
    if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
        return None, f"size: {rows}x{cols}; a grid is 1x1 to {MAX_SIDE}x{MAX_SIDE}"
    kind = arr.dtype.kind
    if kind == "O":
        return to_cells([list(row) for row in arr])
    if kind == "b":
        return None, "wrong type: a bool array, not ints 0-9"
    if kind not in "iuf":
        return None, f"wrong type: an array of dtype {arr.dtype}, not ints 0-9"
    if kind == "f":
        if bool(np.isnan(arr).any()):
            return None, "contains NaN; cells must be ints 0-9"
        if not bool(np.all(np.isfinite(arr))) or not bool(np.all(arr == np.floor(arr))):
            return None, "values not ints 0-9: non-integral floats"
    low, high = arr.min(), arr.max()
    if low < 0 or high > 9:
        bad = low if low < 0 else high
        return None, f"values not ints 0-9: found {_short(bad.item())}"
    return arr.astype(np.int64).tolist(), None
