"""Assemble one solver prompt: the task in a solver template, then earlier programs if any.

The prompt of iteration k is the expert's solver template filled with the task, followed (when
the expert has earlier programs to show) by the ``previous`` template listing each of them through
the ``feedback`` template. Everything is one user message.

Not here: which earlier programs are shown and in which order (``arcloop.solver.expert``), or how
their feedback is written (``arcloop.solver.feedback``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arcloop.arc.grid import Grid
from arcloop.arc.task import Pair
from arcloop.prompts.catalog import load_template
from arcloop.prompts.render import Template
from arcloop.prompts.task_text import (
    GridFormat,
    describe_notation,
    render_examples,
    render_test_inputs,
)


@dataclass(frozen=True, slots=True)
class EarlierProgram:
    """An earlier program shown in a prompt.

    Attributes:
        code: the program (or what was extracted of it; "" when nothing was).
        feedback: the feedback text for it.
        score: its train score, 0..1.
    """

    code: str
    feedback: str
    score: float


NO_CODE = "# (no program could be taken from this reply)"


def solver_prompt(
    template: Template,
    *,
    train: Sequence[Pair],
    numbers: Sequence[int] | None = None,
    test_inputs: Sequence[Grid],
    earlier: Sequence[EarlierProgram] = (),
    fmt: GridFormat = "spaced",
) -> str:
    """The full text of one solver prompt.

    Args:
        template: a solver template (placeholders ``SOLVER_FIELDS``).
        train: the train pairs, in the order to show them.
        numbers: each pair's number in the task (default 1, 2, ...), used as its label.
        test_inputs: the test inputs.
        earlier: earlier programs, in the order to show them (numbered from 1).
        fmt: the grid notation.

    Raises:
        ConfigError: a template's placeholders do not match what is filled in.
    """
    text = template.render(
        grid_notation=describe_notation(fmt),
        train_examples=render_examples(train, numbers=numbers, fmt=fmt),
        test_inputs=render_test_inputs(test_inputs, fmt=fmt),
    )
    if not earlier:
        return text
    entry = load_template("feedback")
    solutions = "\n\n".join(
        entry.render(
            number=str(i),
            score=f"{program.score:.2f}",
            code=program.code.strip() or NO_CODE,
            feedback=program.feedback.strip(),
        ).strip()
        for i, program in enumerate(earlier, start=1)
    )
    return text.rstrip() + "\n\n" + load_template("previous").render(solutions=solutions)
