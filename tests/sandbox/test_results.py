"""What a program's results become: grids, precise failures, trimmed tracebacks."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from arcloop.sandbox import Failure, Outcome, ProcessSandbox
from arcloop.sandbox._inside.program import to_cells
from arcloop.sandbox._protocol import ResultCollector

GRID = ((1, 2), (3, 4))


def _run(sandbox: ProcessSandbox, body: str, inputs: list) -> list[Outcome]:
    return sandbox.run_sync(textwrap.dedent(body), inputs)


def test_correct_program_returns_the_right_grids(sandbox: ProcessSandbox) -> None:
    inputs = [
        ((1, 2, 3), (4, 5, 6)),
        ((0,),),
        tuple(tuple((r * c) % 10 for c in range(30)) for r in range(30)),
    ]
    outcomes = _run(
        sandbox,
        """
        import numpy as np
        import scipy.ndimage
        def transform(grid):
            labels, _ = scipy.ndimage.label(grid > 0)
            assert labels.shape == grid.shape
            return np.flipud(grid).tolist()
    """,
        inputs,
    )
    assert [o.grid for o in outcomes] == [tuple(reversed(g)) for g in inputs]


def test_no_inputs_means_no_outcomes(sandbox: ProcessSandbox) -> None:
    assert sandbox.run_sync("def transform(grid):\n    return grid\n", []) == []


def test_exception_traceback_shows_program_lines(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        def helper(grid):
            return int(grid[0][0]) // 0

        def transform(grid):
            return helper(grid)
    """,
        [GRID],
    )
    failure = outcomes[0].failure
    assert failure is not None
    assert (failure.kind, failure.message) == (
        "exception",
        "ZeroDivisionError: integer division or modulo by zero",
    )
    assert failure.traceback == (
        "  line 6, in transform\n    return helper(grid)\n"
        "  line 3, in helper\n    return int(grid[0][0]) // 0\n"
    )


def test_exception_in_one_input_leaves_the_others(sandbox: ProcessSandbox) -> None:
    outcomes = _run(
        sandbox,
        """
        def transform(grid):
            if len(grid) == 1:
                raise ValueError("one row")
            return grid
    """,
        [GRID, ((7,),)],
    )
    assert outcomes[0].grid == GRID
    assert outcomes[1].failure == Failure(
        "exception",
        "ValueError: one row",
        '  line 4, in transform\n    raise ValueError("one row")\n',
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def transform(grid)\n    return grid\n", "SyntaxError: expected ':' (line 1)"),
        (
            "def transfrom(grid):\n    return grid\n",
            "the program defines no function named transform",
        ),
        ("transform = 3\n", "the program defines no function named transform"),
    ],
)
def test_syntax_failures_cover_every_input(
    sandbox: ProcessSandbox, code: str, message: str
) -> None:
    outcomes = sandbox.run_sync(code, [GRID, GRID])
    assert [o.failure for o in outcomes] == [Failure("syntax", message)] * 2


def test_top_level_exception_fails_every_input(sandbox: ProcessSandbox) -> None:
    outcomes = sandbox.run_sync("import numpy\nx = [][1]\n", [GRID, GRID])
    assert [o.failure for o in outcomes] == [
        Failure(
            "exception",
            "IndexError: list index out of range",
            "  line 2, in <module>\n    x = [][1]\n",
        )
    ] * 2


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ("None", "wrong type: transform returned a NoneType, not a grid"),
        ("'12\\n34'", "wrong type: transform returned a str, not a grid"),
        ("{0: [1]}", "wrong type: transform returned a dict, not a grid"),
        ("[[1, 2], [3]]", "ragged: row 1 has 1 cells, row 0 has 2"),
        ("np.zeros((2, 2, 2), dtype=int)", "not 2-D: got 3 dimensions, shape (2, 2, 2)"),
        ("[[[1]], [[2]]]", "row 0 col 0: not 2-D: a cell holds a sequence (3 or more dimensions)"),
        ("np.array([[1.0, np.nan]])", "contains NaN; cells must be ints 0-9"),
        ("[[1, float('nan')]]", "row 0 col 1: NaN is not an int 0-9"),
        ("[[10 ** 100]]", "row 0 col 0: 10000000000000000000... is not an int 0-9"),
        ("np.array([[3, -1]])", "values not ints 0-9: found -1"),
        ("[[True]]", "row 0 col 0: True is a bool, not an int 0-9"),
        ("[1, 2, 3]", "not 2-D: got 1 dimension"),
        ("[]", "size: 0 rows; a grid has 1..30"),
        ("np.zeros((31, 2), dtype=int)", "size: 31x2; a grid is 1x1 to 30x30"),
        ("np.array([[0.5]])", "values not ints 0-9: non-integral floats"),
    ],
)
def test_invalid_returns_say_why(sandbox: ProcessSandbox, returned: str, reason: str) -> None:
    code = f"import numpy as np\ndef transform(grid):\n    return {returned}\n"
    outcomes = sandbox.run_sync(code, [GRID])
    assert outcomes[0].failure == Failure("invalid_output", reason)


def test_float_arrays_with_integral_values_are_grids(sandbox: ProcessSandbox) -> None:
    code = "import numpy as np\ndef transform(grid):\n    return np.zeros((2, 3)) + 4\n"
    assert sandbox.run_sync(code, [GRID])[0].grid == ((4, 4, 4), (4, 4, 4))


def test_to_cells_accepts_rows_of_arrays_and_numpy_ints() -> None:
    assert to_cells([np.array([1, 2]), (np.int8(3), 4)]) == ([[1, 2], [3, 4]], None)


def test_collector_rejects_records_the_child_may_not_send() -> None:
    collector = ResultCollector(2, max_bytes=1 << 16)
    collector.feed(b'{"started": 1}\n{"i": 0, "grid": [[1, 2]]}\n{"i": 1, "fail": "timeout"}\n')
    assert collector.started
    assert collector.violation == "the child claimed an unknown failure kind"
    assert collector.outcomes[0] == Outcome(grid=((1, 2),))


@pytest.mark.parametrize(
    ("data", "violation"),
    [
        (b"not json\n", "the child sent a malformed result line"),
        (b'{"i": 5, "grid": [[1]]}\n', "the child sent a result for an unknown input"),
        (
            b'{"i": 0, "grid": [[1]]}\n{"i": 0, "grid": [[1]]}\n',
            "the child sent a result for an unknown input",
        ),
        (b"[" * 60_000 + b"\n", "the child sent a malformed result line"),
        (b"x" * 70_000, "the result channel exceeded 65536 bytes"),
    ],
)
def test_collector_violations(data: bytes, violation: str) -> None:
    collector = ResultCollector(2, max_bytes=1 << 16)
    collector.feed(data)
    assert collector.violation == violation
    assert collector.complete


def test_the_promised_libraries_import_in_the_child(roomy_sandbox: ProcessSandbox) -> None:
    # Not preloaded by the warm server: these load lazily, in the view and under Landlock.
    outcomes = _run(
        roomy_sandbox,
        """
        import decimal, difflib, json, queue, textwrap, unicodedata, zlib
        import numpy.linalg
        import scipy.optimize, scipy.signal, scipy.spatial, scipy.stats
        def transform(grid):
            tree = scipy.spatial.cKDTree([[0, 0], [1, 1]])
            return [[int(tree.query([1, 1])[1]), int(scipy.stats.mode([3, 3, 1]).mode)]]
    """,
        [GRID],
    )
    assert outcomes[0].grid == ((1, 3),)
