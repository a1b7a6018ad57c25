"""The report's two charts as inline SVG: cost per task, and tasks solved against money spent.

Both are drawn here, in Python, so they need no script, print well, and are tested as text.
Every mark carries a ``<title>`` (the browser shows it on hover) and every piece of text is
escaped, since task ids come from file names.

Not here: interaction (zoom, brushing) or any chart library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from arcloop.report.content import Status, TaskLine
from arcloop.report.fmt import money

WIDTH = 560
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 34

STATUS_COLOURS: dict[Status, str] = {
    "solved": "#2a9d4b",
    "partial": "#e0a100",
    "failed": "#c8cdd3",
    "unscored": "#7b8794",
    "provider_error": "#c0392b",
}


def nice_ticks(top: float, *, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top``.

    >>> nice_ticks(7.3)
    [0.0, 2.0, 4.0, 6.0, 8.0]
    """
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw))
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def _frame(title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _empty(title: str, message: str) -> str:
    return _frame(
        title,
        [
            f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            f"{escape(message)}</text>"
        ],
    )


def cost_chart(lines: Sequence[TaskLine]) -> str:
    """Bars of cost per task, most expensive first, coloured by the task's status."""
    title = "Cost per task, most expensive first"
    if not lines:
        return _empty(title, "no finished tasks yet")
    ordered = sorted(lines, key=lambda t: (-t.usage.cost_usd, t.order))
    top_cost = ordered[0].usage.cost_usd
    if top_cost <= 0:
        return _empty(title, "no money spent (offline experts or replayed calls only)")
    ticks = nice_ticks(top_cost)
    scale = (HEIGHT - TOP - BOTTOM) / ticks[-1]
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / len(ordered)
    gap = 1.0 if step >= 4 else 0.0
    body = []
    for t in ticks:
        y = HEIGHT - BOTTOM - t * scale
        body.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(money(t))}</text>"
        )
    for i, line in enumerate(ordered):
        h = line.usage.cost_usd * scale
        x = LEFT + i * step
        width = max(step - gap, 0.5)
        body.append(
            f'<rect class="bar" x="{x:.2f}" y="{HEIGHT - BOTTOM - h:.2f}" width="{width:.2f}"'
            f' height="{h:.2f}" fill="{STATUS_COLOURS[line.status]}">'
            f"<title>{escape(line.task_id)}: {escape(money(line.usage.cost_usd))} ({line.status})"
            "</title></rect>"
        )
    body.append(
        f'<text class="axis" x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{len(ordered)} tasks</text>"
    )
    body.extend(_legend({line.status for line in ordered}))
    return _frame(title, body)


def _legend(statuses: set[Status]) -> list[str]:
    out = []
    x = WIDTH - RIGHT
    for status in reversed(list(STATUS_COLOURS)):
        if status not in statuses:
            continue
        x -= 8 + 7 * len(status) + 16
        out.append(
            f'<rect x="{x}" y="{TOP - 10}" width="10" height="10" rx="2"'
            f' fill="{STATUS_COLOURS[status]}"/>'
            f'<text class="legend" x="{x + 14}" y="{TOP - 1}">{status}</text>'
        )
    return out


def solved_chart(lines: Sequence[TaskLine]) -> str:
    """Tasks solved (partial tasks count their fraction) against cumulative cost, in finishing
    order; against tasks finished when nothing was spent."""
    title = "Tasks solved against money spent"
    scored = [t for t in lines if t.score is not None]
    if not scored:
        return _empty(title, "no test outputs known: nothing to score")
    ordered = sorted(lines, key=lambda t: t.order)
    total_cost = sum(t.usage.cost_usd for t in ordered)
    by_cost = total_cost > 0
    xs, ys = [0.0], [0.0]
    for line in ordered:
        xs.append(xs[-1] + (line.usage.cost_usd if by_cost else 1.0))
        ys.append(ys[-1] + (line.score or 0.0))
    x_ticks = nice_ticks(xs[-1], count=5)
    y_ticks = nice_ticks(max(ys[-1], 1.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * x / x_ticks[-1]

    def py(y: float) -> float:
        return HEIGHT - BOTTOM - plot_h * y / y_ticks[-1]

    body = []
    for t in y_ticks:
        body.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py(t):.1f}"'
            f' y2="{py(t):.1f}"/><text class="tick" x="{LEFT - 6}" y="{py(t) + 4:.1f}"'
            f' text-anchor="end">{t:g}</text>'
        )
    for t in x_ticks:
        label = money(t) if by_cost else f"{t:g}"
        anchor = "end" if t == x_ticks[-1] else "start" if t == 0 else "middle"
        body.append(
            f'<text class="tick" x="{px(t):.1f}" y="{HEIGHT - BOTTOM + 14}"'
            f' text-anchor="{anchor}">{escape(label)}</text>'
        )
    # a step line: flat while money is spent on a task, up when the task is solved
    points = [f"{px(xs[0]):.1f},{py(ys[0]):.1f}"]
    for i in range(1, len(xs)):
        points.append(f"{px(xs[i]):.1f},{py(ys[i - 1]):.1f}")
        points.append(f"{px(xs[i]):.1f},{py(ys[i]):.1f}")
    body.append(f'<polyline class="line" points="{" ".join(points)}"/>')
    for i, line in enumerate(ordered, start=1):
        if line.score:
            body.append(
                f'<circle class="dot" cx="{px(xs[i]):.1f}" cy="{py(ys[i]):.1f}" r="2.5"'
                f' fill="{STATUS_COLOURS[line.status]}"><title>{escape(line.task_id)}:'
                f" solved {ys[i]:g} after {escape(money(xs[i]) if by_cost else f'{i} tasks')}"
                "</title></circle>"
            )
    x_label = "cumulative cost" if by_cost else "tasks finished (no money spent)"
    body.append(
        f'<text class="axis" x="{LEFT + plot_w / 2}" y="{HEIGHT - 4}" text-anchor="middle">'
        f"{x_label}</text>"
        f'<text class="axis" transform="translate(12 {TOP + plot_h / 2}) rotate(-90)"'
        ' text-anchor="middle">tasks solved</text>'
    )
    return _frame(title, body)
