"""Code extraction: the last fenced Python block that defines transform, or the reason."""

from __future__ import annotations

import pytest

from arcloop.solver.extract import NO_CODE, NO_TRANSFORM, extract_program

PROGRAM = "def transform(grid):\n    return grid"


@pytest.mark.parametrize(
    "reply",
    [
        f"```python\n{PROGRAM}\n```",
        f"Some reasoning.\n\n```\n{PROGRAM}\n```\nThat is all.",
        f"```py\n{PROGRAM}\n```",
        f"```Python3\n{PROGRAM}\n```",
        PROGRAM,
        f"\n\n{PROGRAM}\n",
        f"Reasoning...\n```python\n{PROGRAM}\n",  # a truncated reply leaves the fence open
    ],
)
def test_program_found(reply: str) -> None:
    extraction = extract_program(reply)
    assert extraction.ok
    assert extraction.code == PROGRAM


def test_the_last_block_defining_transform_wins() -> None:
    draft = "def transform(grid):\n    return None"
    helper = "def helper(x):\n    return x"
    reply = (
        f"Draft:\n```python\n{draft}\n```\nBetter:\n```python\n{PROGRAM}\n```\n"
        f"And a helper you might like:\n```python\n{helper}\n```\n"
        "Output:\n```\n1 2\n3 4\n```"
    )
    assert extract_program(reply).code == PROGRAM


def test_a_fence_indented_in_a_list_item() -> None:
    reply = "1. The program:\n   ```python\n   def transform(grid):\n       return grid\n   ```\n"
    assert extract_program(reply).code == PROGRAM


def test_non_python_blocks_are_ignored() -> None:
    reply = f'```python\n{PROGRAM}\n```\n```json\n{{"a": 1}}\n```'
    assert extract_program(reply).code == PROGRAM


def test_transform_bound_by_assignment_counts() -> None:
    code = "import numpy as np\ntransform = np.fliplr"
    assert extract_program(f"```python\n{code}\n```").code == code


def test_a_broken_final_program_is_rejected_with_the_line() -> None:
    broken = "def transform(grid):\n    return grid +"
    reply = f"```python\n{PROGRAM}\n```\nFinal:\n```python\n{broken}\n```"
    extraction = extract_program(reply)
    assert not extraction.ok
    assert extraction.code == broken
    assert extraction.error == "The program does not parse: line 2: invalid syntax."


def test_no_transform_is_rejected() -> None:
    extraction = extract_program("```python\ndef solve(grid):\n    return grid\n```")
    assert extraction.error == NO_TRANSFORM
    nested = "def outer():\n    def transform(g):\n        return g\n    return transform"
    assert extract_program(f"```python\n{nested}\n```").error == NO_TRANSFORM


@pytest.mark.parametrize("reply", ["", "I am not sure what the rule is.", "   \n"])
def test_prose_only_is_rejected(reply: str) -> None:
    extraction = extract_program(reply)
    assert extraction.error == NO_CODE
    assert extraction.code == ""
