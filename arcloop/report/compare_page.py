"""The comparison page: one self-contained, offline HTML file for a ``Comparison``.

``write_comparison_page(comparison, out)`` writes what ``arcloop compare`` prints (the runs,
notices, every arm's figures, the per-model and per-prompt breakdown, each pair's difference,
test and verdict, and the tasks only one side solved) and a table of the compared tasks. Opening
a task shows, side by side, one column per arm: each run's attempts against the expected
outputs and the programs behind its first two vote groups.

It is built like the run report (``page``): plain HTML for the figures and the task table, one
script (``assets/grids.js`` then ``assets/compare.js``) allowed by hash and nothing else, every
task's details gzipped in an inert ``<script>`` element, no fonts or files from the network.

Not here: the numbers (``arcloop.runs.compare``) or their wording (``compare_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from arcloop._io import write_text_atomic
from arcloop._version import __version__
from arcloop.arc.grid import PALETTE
from arcloop.report.compare_text import (
    Rows,
    arm_rows,
    breakdown_rows,
    difference_line,
    run_rows,
    several_runs,
    test_line,
    verdict_line,
)
from arcloop.report.content import grid_code, leading_programs, test_details
from arcloop.report.fmt import money
from arcloop.report.page import asset, html_page, pack, page_script
from arcloop.runs.comparison import Comparison, PairedDifference
from arcloop.runs.record import TaskRecord


def _table(rows: Rows, cls: str = "figures") -> str:
    header, body = rows
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in body
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>'


def _ids(ids: Sequence[str]) -> str:
    if not ids:
        return '<span class="muted">none</span>'
    return " ".join(
        f'<a class="task-link mono" href="#task={escape(t)}">{escape(t)}</a>' for t in ids
    )


def _pair(p: PairedDifference) -> str:
    cls = "ok" if p.significant else "muted"
    return (
        f'<div class="panel block pair-result" data-b="{escape(p.b)}"'
        f' data-significant="{str(p.significant).lower()}">'
        f'<div class="block-title">{escape(p.b)} against {escape(p.a)} on {p.tasks} tasks</div>'
        f"<p>{escape(difference_line(p))}</p><p>{escape(test_line(p))}</p>"
        f'<p class="verdict {cls}"><b>{escape(verdict_line(p))}</b></p>'
        f"<p>solved only by {escape(p.a)}: {_ids(p.only_a)}</p>"
        f"<p>solved only by {escape(p.b)}: {_ids(p.only_b)}</p></div>"
    )


def _task_table(c: Comparison) -> str:
    labels = [a.label for a in c.arms]
    head = '<th class="text" data-type="text">Task</th>'
    head += "".join(f'<th data-type="num">Score {escape(x)}</th>' for x in labels)
    head += "".join(f'<th data-type="num">Cost {escape(x)}</th>' for x in labels)
    head += '<th class="text" data-type="text">Solved by</th>'
    rows = []
    for i, t in enumerate(c.per_task):
        solved = "".join(a.label for a, yes in zip(c.arms, t.solved, strict=True) if yes)
        cells = f'<td class="text id" data-v="{escape(t.task_id)}">{escape(t.task_id)}</td>'
        cells += "".join(f'<td data-v="{s:.6f}">{s:.2f}</td>' for s in t.scores)
        cells += "".join(f'<td data-v="{x:.8f}">{money(x)}</td>' for x in t.costs)
        cells += f'<td class="text" data-v="{solved}">{solved or "—"}</td>'
        rows.append(
            f'<tr tabindex="0" data-index="{i}" data-id="{escape(t.task_id)}"'
            f' data-solved="{solved}">{cells}</tr>'
        )
    return (
        f'<table class="tasks" id="tasks"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _side(record: TaskRecord, run: str) -> dict[str, Any]:
    return {
        "run": run,
        "score": record.score,
        "cost_usd": record.usage.cost_usd,
        "test": test_details(record),
        "programs": leading_programs(record),
    }


def task_details(c: Comparison, task_id: str) -> dict[str, Any]:
    """What the page draws when a task is opened: its grids once, then per arm and run the
    attempts and the leading programs (JSON-ready; grids as ``grid_code``)."""
    records = c.records(task_id)
    first = records[0][0]
    return {
        "id": task_id,
        "train": [
            {"input": grid_code(p.input), "output": grid_code(p.output)} for p in first.task.train
        ],
        "arms": [
            {
                "label": arm.label,
                "runs": [_side(record, run.name) for record, run in zip(side, runs, strict=True)],
            }
            for arm, side, runs in zip(c.arms, records, c.sources, strict=True)
        ],
    }


def build_comparison_page(c: Comparison) -> str:
    """The comparison as one self-contained HTML document."""
    hashes = ", ".join(h[:16] for h in c.dataset_hashes)
    runs = _table(
        (
            ["arm", "run", "status", "experts"],
            [[a.label, r.path, r.status, ", ".join(r.experts)] for a in c.arms for r in a.runs],
        ),
        "runs",
    )
    notices = "".join(f'<p class="notice">notice: {escape(n)}</p>' for n in c.notices)
    per_run = _table(run_rows(c.arms)) if several_runs(c.arms) else ""
    breakdown = (
        f'<h2>Per model and prompt</h2><div class="panel block">{_table(breakdown_rows(c))}</div>'
        if c.breakdown
        else ""
    )
    data = {"palette": list(PALETTE), "arms": [a.label for a in c.arms]}
    options = "".join(
        f'<option value="only-{escape(a.label)}">Solved only by {escape(a.label)}</option>'
        for a in c.arms
    )
    body = f"""<header class="top">
<h1>arcloop comparison</h1>
<p class="meta">dataset <b>{escape(c.dataset)}</b> · sha256 <code>{escape(hashes)}</code> ·
{len(c.task_ids)} tasks compared · every interval 95% · by arcloop {escape(__version__)}</p>
</header>
<main>
<div class="panel block">{runs}{notices}</div>
<h2>Scores and costs</h2>
<div class="panel block">{_table(arm_rows(c.arms))}{per_run}</div>
{breakdown}
<h2>Paired differences</h2>
{"".join(_pair(p) for p in c.pairs)}
<h2>Tasks</h2>
<div class="toolbar">
<input type="search" id="filter-text" placeholder="Filter by task id"
 aria-label="Filter by task id">
<select id="filter-solved" aria-label="Show tasks">
<option value="all">All tasks</option><option value="differ">Solved by some arms only</option>
<option value="every">Solved by every arm</option><option value="none">Solved by no arm</option>
{options}
</select>
<span id="shown">{len(c.task_ids)} tasks</span>
</div>
<div class="layout">
<div class="table-wrap panel">{_task_table(c)}</div>
<article class="task-view panel" id="task-view">
<p class="hint">Select a task to see every arm's attempts and programs side by side.</p>
</article>
</div>
</main>
"""
    return html_page(
        title=f"arcloop comparison · {' vs '.join(a.label for a in c.arms)}",
        style=asset("report.css") + asset("compare.css"),
        body=body,
        data_id="compare-data",
        data=data,
        packed=[pack(task_details(c, t)) for t in c.task_ids],
        script=page_script("compare.js"),
    )


def write_comparison_page(c: Comparison, out: Path) -> Path:
    """Write the comparison page to ``out`` (atomically) and return it."""
    out = Path(out)
    write_text_atomic(out, build_comparison_page(c))
    return out
