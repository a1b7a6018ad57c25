"""Assemble one solver prompt: the task in a solver template, then earlier programs if any.

The prompt of iteration k is the expert's solver template filled with the task, followed (when
the expert has earlier programs to show) by the ``previous`` template listing each of them through
the ``feedback`` template. ``solver_prompt`` makes it one user message; ``solver_turns`` makes
the same text several user messages that the next iteration's prompt extends (cache-friendly).

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


def _task_text(
    template: Template,
    *,
    train: Sequence[Pair],
    numbers: Sequence[int] | None,
    test_inputs: Sequence[Grid],
    fmt: GridFormat,
) -> str:
    return template.render(
        grid_notation=describe_notation(fmt),
        train_examples=render_examples(train, numbers=numbers, fmt=fmt),
        test_inputs=render_test_inputs(test_inputs, fmt=fmt),
    )


def _entries(earlier: Sequence[EarlierProgram]) -> list[str]:
    entry = load_template("feedback")
    return [
        entry.render(
            number=str(i),
            score=f"{program.score:.2f}",
            code=program.code.strip() or NO_CODE,
            feedback=program.feedback.strip(),
        ).strip()
        for i, program in enumerate(earlier, start=1)
    ]


_SPLIT = "\x00"


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
    text = _task_text(template, train=train, numbers=numbers, test_inputs=test_inputs, fmt=fmt)
    if not earlier:
        return text
    solutions = "\n\n".join(_entries(earlier))
    return text.rstrip() + "\n\n" + load_template("previous").render(solutions=solutions)


def solver_turns(
    template: Template,
    *,
    train: Sequence[Pair],
    numbers: Sequence[int] | None = None,
    test_inputs: Sequence[Grid],
    earlier: Sequence[EarlierProgram] = (),
    fmt: GridFormat = "spaced",
) -> list[str]:
    """The same prompt as ``solver_prompt``, as user messages that a later prompt extends.

    The first message is the task in the solver template; each earlier program is a message of
    its own (the first one led by the ``previous`` template's opening); the ``previous``
    template's closing words are the last message. A prompt that shows the same earlier
    programs plus one more therefore repeats every message of this one but the last, which
    lets a provider's prompt cache reuse them (arguments as for ``solver_prompt``).

    >>> from arcloop.prompts.render import Template
    >>> from arcloop.arc.task import Pair
    >>> t = Template("solver", "Task:\\n{{grid_notation}}\\n{{train_examples}}\\n{{test_inputs}}")
    >>> pair = Pair(((1,),), ((2,),))
    >>> one = solver_turns(t, train=[pair], test_inputs=[((3,),)],
    ...                    earlier=[EarlierProgram("def transform(g): return g", "wrong", 0.0)])
    >>> two = solver_turns(t, train=[pair], test_inputs=[((3,),)],
    ...                    earlier=[EarlierProgram("def transform(g): return g", "wrong", 0.0),
    ...                             EarlierProgram("def transform(g): return g + 1", "ok", 1.0)])
    >>> len(one), len(two), one[:-1] == two[:-2], one[-1] == two[-1]
    (3, 4, True, True)
    """
    text = _task_text(template, train=train, numbers=numbers, test_inputs=test_inputs, fmt=fmt)
    if not earlier:
        return [text]
    opening, closing = load_template("previous").render(solutions=_SPLIT).split(_SPLIT)
    entries = _entries(earlier)
    entries[0] = opening.lstrip() + entries[0]
    return [text.rstrip(), *entries, closing.lstrip()]
