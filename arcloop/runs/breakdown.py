"""What each kind of expert did across a run: per model, or per model and prompt.

``expert_stats`` adds up, per model (and, when asked, per prompt), what its experts made and
spent and how often they won the vote: the table that says which model earned its cost in a
mixed ensemble, and which prompt did better when two are tried side by side. An expert on a
task counts once per task ("expert runs")::

    model          prompt    expert runs  passed  won  right
    openai/a       solver-1           20      12   11     10
    openai/a       hint.txt           20      17   15     14

Not here: showing the table (the report, the comparison of runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from arcloop.llm.types import Usage
from arcloop.runs.record import TaskRecord


def expert_label(model: str, prompt: str | None) -> str:
    """A short name for a kind of expert: its model and the name of its prompt.

    >>> expert_label("openai/gpt-5", "solver-1")
    'openai/gpt-5 (solver-1)'
    >>> expert_label("openai/gpt-5", "/home/me/prompts/hint.txt"), expert_label("local/search", "")
    ('openai/gpt-5 (hint.txt)', 'local/search')
    """
    return f"{model} ({PurePath(prompt).name})" if prompt else model


def count_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Labels in first-seen order, counted when repeated.

    >>> count_labels(["m (a)", "m (a)", "local/search"])
    ('2× m (a)', 'local/search')
    """
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return tuple(f"{n}× {label}" if n > 1 else label for label, n in seen.items())


@dataclass(slots=True)
class ExpertStats:
    """What the experts of one model (and prompt) did across a run's tasks.

    Attributes:
        model: the model string (``local/search`` for the offline expert).
        prompt: the solver template (name or path); None when grouped by model only.
        experts: expert runs (experts x tasks).
        iterations: candidate programs they made.
        usage: what they consumed.
        passed: expert runs whose chosen program passed every train pair.
        won: expert runs in the winning vote group.
        right: expert runs whose offered outputs were all right (known outputs only).
    """

    model: str
    prompt: str | None = None
    experts: int = 0
    iterations: int = 0
    usage: Usage = field(default_factory=Usage)
    passed: int = 0
    won: int = 0
    right: int = 0


def expert_stats(tasks: Iterable[TaskRecord], *, by_prompt: bool = False) -> list[ExpertStats]:
    """Per model (and per prompt when ``by_prompt``), most expensive first, then by name."""
    totals: dict[tuple[str, str | None], ExpertStats] = {}
    for task in tasks:
        expected = [p.output for p in task.task.test]
        known = bool(expected) and all(e is not None for e in expected)
        won = {m[0] for m in task.vote[0].members} if task.vote else set()
        right = {m[0] for g in task.vote if known and g.outputs == expected for m in g.members}
        for e in task.experts:
            chosen = e.chosen_iteration
            key = (e.model, e.prompt if by_prompt else None)
            t = totals.setdefault(key, ExpertStats(*key))
            t.experts += 1
            t.iterations += len(e.iterations)
            t.usage += Usage.total(it.usage for it in e.iterations)
            t.passed += int(chosen is not None and chosen.passed)
            t.won += int(e.expert in won)
            t.right += int(e.expert in right)
    return sorted(totals.values(), key=lambda m: (-m.usage.cost_usd, m.model, m.prompt or ""))
