"""The SVG charts: round ticks, one mark per task, escaped labels."""

from __future__ import annotations

import itertools
import math

import pytest

from arcloop.llm.types import Usage
from arcloop.report.charts import cost_chart, nice_ticks, solved_chart
from arcloop.report.content import Status, TaskLine


def _line(order: int, cost: float, status: Status, task_id: str = "") -> TaskLine:
    score = {"solved": 1.0, "partial": 0.5, "failed": 0.0, "unscored": None}[status]
    return TaskLine(
        order=order,
        task_id=task_id or f"t{order}",
        status=status,
        score=score,
        tests=2,
        usage=Usage(cost_usd=cost),
        calls=0,
        replayed_calls=0,
        seconds=1.0,
        iterations=1,
        experts=1,
        agreeing=1,
        passing=0,
    )


@pytest.mark.parametrize("top", [1e-4, 0.034, 0.9, 1.0, 7.3, 12.0, 99.99, 120.0, 4567.0])
def test_ticks_are_round_equal_steps_covering_the_top(top: float) -> None:
    ticks = nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top and 3 <= len(ticks) <= 6
    steps = {round(b - a, 12) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 2.5, 5)


def test_cost_chart_has_a_bar_per_task_and_escapes_ids() -> None:
    lines = [
        _line(1, 0.5, "solved", "<b>x</b>"),
        _line(2, 2.0, "failed"),
        _line(3, 1.0, "partial"),
    ]
    svg = cost_chart(lines)
    assert svg.count('class="bar"') == 3
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;: $0.50 (solved)" in svg


def test_solved_chart_marks_each_task_that_scored() -> None:
    lines = [_line(1, 1.0, "solved"), _line(2, 1.0, "failed"), _line(3, 2.0, "partial")]
    svg = solved_chart(lines)
    assert svg.count('class="dot"') == 2
    assert "solved 1.5 after $4.00" in svg
    assert "cumulative cost" in svg


def test_charts_without_money_or_scores_say_why() -> None:
    free = [_line(1, 0.0, "solved"), _line(2, 0.0, "failed")]
    assert "no money spent" in cost_chart(free)
    assert "tasks finished (no money spent)" in solved_chart(free)
    assert "nothing to score" in solved_chart([_line(1, 1.0, "unscored")])
    assert "no finished tasks" in cost_chart([])
