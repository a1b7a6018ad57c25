"""Prompt templates: strict rendering, built-in variants, grid notations, the full prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from arcloop.arc.task import Pair
from arcloop.errors import ConfigError
from arcloop.prompts import (
    FEEDBACK_FIELDS,
    SOLVER_FIELDS,
    SOLVER_VARIANTS,
    EarlierProgram,
    Template,
    builtin_names,
    choose_prompt,
    grid_to_text,
    load_solver_template,
    load_template,
    solver_prompt,
)
from arcloop.prompts.task_text import render_examples

GRID = ((0, 1, 2), (3, 4, 5))


def test_render_fills_every_placeholder_and_keeps_single_braces() -> None:
    t = Template("t", "a {{x}} b {{ y }} {x} {{x}}")
    assert t.fields == {"x", "y"}
    assert t.render(x="1", y="{{y}}") == "a 1 b {{y}} {x} 1"


def test_render_refuses_a_missing_value() -> None:
    with pytest.raises(ConfigError, match=r"template t: no value for \{\{y\}\}$"):
        Template("t", "{{x}} {{y}}").render(x="1")


def test_render_refuses_an_unknown_field() -> None:
    with pytest.raises(ConfigError, match=r"template t: no placeholder for z$"):
        Template("t", "{{x}}").render(x="1", z="2")


def test_builtin_templates_have_the_expected_fields() -> None:
    names = builtin_names()
    assert set(SOLVER_VARIANTS) <= set(names)
    assert len(SOLVER_VARIANTS) >= 3
    for name in SOLVER_VARIANTS:
        assert load_solver_template(name).fields == SOLVER_FIELDS
    assert load_template("feedback").fields == FEEDBACK_FIELDS
    assert load_template("previous").fields == {"solutions"}
    texts = {load_template(n).text for n in SOLVER_VARIANTS}
    assert len(texts) == len(SOLVER_VARIANTS)


def test_unknown_template_name_lists_the_builtins() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown prompt template 'solver-9' \(built-in: .*solver-1"
    ):
        load_template("solver-9")


def test_template_file_by_path(tmp_path: Path) -> None:
    good = tmp_path / "mine.txt"
    good.write_text("Notation: {{grid_notation}}\n{{train_examples}}\n{{test_inputs}}\n")
    assert load_solver_template(str(good)).fields == SOLVER_FIELDS
    bad = tmp_path / "bad.txt"
    bad.write_text("{{train_examples}} {{tests}}")
    with pytest.raises(
        ConfigError, match=r"bad.txt: lacks .*grid_notation.* has unknown \{\{tests\}\}"
    ):
        load_solver_template(str(bad))
    with pytest.raises(ConfigError, match=r"missing\.txt: cannot read: No such file"):
        load_template(str(tmp_path / "missing.txt"))


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("spaced", "0 1 2\n3 4 5"), ("compact", "012\n345"), ("json", "[[0, 1, 2],\n [3, 4, 5]]")],
)
def test_grid_notations(fmt: str, text: str) -> None:
    assert grid_to_text(GRID, fmt=fmt) == text  # type: ignore[arg-type]


def test_examples_keep_their_task_numbers_when_shuffled() -> None:
    a = Pair(((1,),), ((2,),))
    b = Pair(((3, 3),), ((4, 4),))
    assert render_examples([b, a], numbers=[2, 1]) == (
        "Example 2\nInput (1x2):\n3 3\nOutput (1x2):\n4 4\n\n"
        "Example 1\nInput (1x1):\n1\nOutput (1x1):\n2"
    )


def test_choose_prompt_order_of_precedence() -> None:
    by_model = {"openai/gpt-5": "solver-2", "openai/*": "solver-3", "*": "solver-1"}
    assert (
        choose_prompt("openai/gpt-5", explicit=None, by_model=by_model, default="x") == "solver-2"
    )
    assert choose_prompt("openai/o3", explicit=None, by_model=by_model, default="x") == "solver-3"
    assert choose_prompt("xai/grok-4", explicit=None, by_model={}, default="x") == "x"
    assert choose_prompt("openai/o3", explicit="mine.txt", by_model=by_model, default="x") == (
        "mine.txt"
    )


def test_solver_prompt_shows_task_then_earlier_programs_in_order() -> None:
    pairs = [Pair(GRID, GRID)]
    text = solver_prompt(
        load_solver_template("solver-3"),
        train=pairs,
        test_inputs=[((7,),)],
        earlier=[
            EarlierProgram("def transform(g):\n    return g", "Example 1: solved.", 0.25),
            EarlierProgram("", "No program was run: nothing.", 0.0),
        ],
    )
    assert "{{" not in text
    assert "Example 1\nInput (2x3):\n0 1 2\n3 4 5\nOutput (2x3):" in text
    assert "Test input 1 (1x1):\n7" in text
    first = text.index("Earlier program 1 (score 0.25):")
    second = text.index("Earlier program 2 (score 0.00):")
    assert first < second
    assert (
        "```python\ndef transform(g):\n    return g\n```\nHow it did:\nExample 1: solved." in text
    )
    assert "# (no program could be taken from this reply)" in text
    assert text.index("Test input 1") < first


def test_solver_prompt_without_earlier_programs_has_no_feedback_section() -> None:
    text = solver_prompt(
        load_solver_template("solver-2"),
        train=[Pair(GRID, GRID)],
        test_inputs=[GRID],
        fmt="compact",
    )
    assert "Earlier program" not in text
    assert "012\n345" in text
