"""Assemble the report page: one HTML file with its CSS, script, charts and data inside.

The page is plain HTML for what is the same for every reader (summary cards, charts, config, the
task table) and a small script for the rest: sorting and filtering the table, and drawing a task
when it is opened. Data reaches the script in two ways, both inert:

- ``<script type="application/json" id="run-data">``: the task table's data and the palette,
  written by ``script_json``, which escapes ``<``, ``>``, ``&`` and U+2028/U+2029 so no string
  inside (a program containing ``</script>``, say) can end the element or open a comment;
- ``<script type="application/x-arcloop-task" id="task-N">``: each task's details as gzipped
  JSON in base64 (see ``pack``). Base64 has no ``<`` at all, a big run stays a few MB, and the
  browser only inflates a task when it is opened.

A Content-Security-Policy allows exactly the page's own script (by hash) and no network at all,
so even an escaping mistake could not run injected code or reach out of the file.

Not here: what the figures and details contain (``summary``, ``content``) or reading the run.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Sequence
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from arcloop._version import __version__
from arcloop.arc.grid import PALETTE
from arcloop.llm.types import Usage
from arcloop.report.charts import cost_chart, solved_chart
from arcloop.report.content import TaskLine
from arcloop.report.fmt import count, duration, money
from arcloop.report.summary import Figure, error_counts
from arcloop.runs.breakdown import ExpertStats
from arcloop.runs.source import RunSource

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}

STATUS_TEXT = {
    "solved": "solved",
    "partial": "partly",
    "failed": "failed",
    "unscored": "—",
    "provider_error": "provider error",
}


def script_json(obj: Any) -> str:
    """JSON that is safe as the text of a ``<script>`` element.

    >>> script_json({"code": "</script><!--"})
    '{"code":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def pack(obj: Any) -> str:
    """``obj`` as compact JSON, gzipped (reproducibly: no timestamp), in base64."""
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=5, mtime=0)).decode("ascii")


def unpack(text: str) -> Any:
    """The inverse of ``pack``."""
    return json.loads(gzip.decompress(base64.b64decode(text)))


@cache
def asset(name: str) -> str:
    """A file of ``arcloop/report/assets`` as text."""
    return resources.files("arcloop.report").joinpath("assets", name).read_text(encoding="utf-8")


def page_script(name: str) -> str:
    """A page's one script: the shared helpers (``grids.js``), then the page's own ``name``."""
    return asset("grids.js") + "\n" + asset(name)


def csp(script: str) -> str:
    """The Content-Security-Policy of a page whose only script is ``script``: no network."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
        f" script-src 'sha256-{digest}'"
    )


def html_page(
    *,
    title: str,
    style: str,
    body: str,
    data_id: str,
    data: Any,
    packed: Sequence[str],
    script: str,
) -> str:
    """A whole page: its head (the CSP allowing ``script`` alone, ``style``), ``body``, then
    ``data`` as inert JSON (``id=data_id``), each of ``packed`` as ``id="task-N"``, and last
    the one script."""
    blobs = "".join(
        f'<script type="application/x-arcloop-task" id="task-{i}">{blob}</script>\n'
        for i, blob in enumerate(packed)
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp(script)}">
<meta name="generator" content="arcloop {escape(__version__)}">
<link rel="icon" href="data:,">
<title>{escape(title)}</title>
<style>{style}</style>
</head>
<body>
{body}<script type="application/json" id="{data_id}">{script_json(data)}</script>
{blobs}<script>{script}</script>
</body>
</html>
"""


def _cards(figures: Sequence[Figure]) -> str:
    return "".join(
        f'<div class="card panel"><div class="label">{escape(f.label)}</div>'
        f'<div class="value">{escape(f.value)}</div><div class="note">{escape(f.note)}</div></div>'
        for f in figures
    )


# (header, sort type, extra class, tooltip)
_COLUMNS = (
    ("#", "num", "", "order in which the tasks finished"),
    ("Task", "text", "text", "task id"),
    ("Result", "num", "text", "solved: every test output right; partly: some"),
    ("Cost", "num", "", "money spent on the task's model calls"),
    ("Iter.", "num", "", "candidate programs made, all experts together"),
    ("Agree", "num", "", "experts in the winning vote group / experts"),
    ("Time", "num", "", "wall-clock time of the task"),
    ("Tokens", "num", "", "prompt and completion tokens"),
)


def _title(cause: str | None) -> str:
    return "" if cause is None else f' title="{escape(cause)}"'


def _row(index: int, t: TaskLine) -> str:
    result = STATUS_TEXT[t.status]
    if t.status == "partial" and t.score is not None:
        result = f"{round(t.score * t.tests)}/{t.tests}"
    sort_result = -1.0 if t.score is None else t.score
    tokens = t.usage.prompt_tokens + t.usage.completion_tokens
    cells = (
        (str(t.order), str(t.order), ""),
        (escape(t.task_id), escape(t.task_id), "text id"),
        (
            f'<span class="badge {t.status}"{_title(t.cause)}>{result}</span>',
            f"{sort_result:.6f}",
            "text",
        ),
        (money(t.usage.cost_usd), f"{t.usage.cost_usd:.6f}", ""),
        (str(t.iterations), str(t.iterations), ""),
        (f"{t.agreeing}/{t.experts}", f"{t.agreeing / t.experts if t.experts else 0:.6f}", ""),
        (duration(t.seconds), f"{t.seconds:.3f}", ""),
        (count(tokens), str(tokens), ""),
    )
    tds = ""
    for shown, value, cls in cells:
        klass = f' class="{cls}"' if cls else ""
        tds += f'<td{klass} data-v="{value}">{shown}</td>'

    return (
        f'<tr tabindex="0" data-index="{index}" data-id="{escape(t.task_id)}"'
        f' data-status="{t.status}">{tds}</tr>'
    )


def _task_table(lines: Sequence[TaskLine]) -> str:
    if not lines:
        return '<p class="empty-note">No task has finished yet.</p>'
    head = ""
    for name, kind, cls, tooltip in _COLUMNS:
        attrs = f' data-type="{kind}" title="{escape(tooltip)}"'
        attrs += f' class="{cls}"' if cls else ""
        attrs += ' aria-sort="ascending"' if name == "#" else ""
        head += f"<th{attrs}>{escape(name)}</th>"
    body = "".join(_row(i, t) for i, t in enumerate(lines))
    return (
        f'<table class="tasks" id="tasks"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _errors(source: RunSource) -> str:
    errors = error_counts(source.summary)
    if not errors:
        return ""
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{n:,}</td></tr>" for name, n in errors.items())
    return (
        '<details class="block panel"><summary>Errors by class</summary>'
        f'<table class="errors">{rows}</table></details>'
    )


def _when(stamp: str) -> str:
    """``2026-11-25T12:22:03.123Z`` as ``2026-11-25 12:22 UTC``."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if len(stamp) >= 16 else stamp


def _times(source: RunSource) -> str:
    out = ""
    if source.started_utc:
        out += f" · started {escape(_when(source.started_utc))}"
    if source.updated_utc and source.updated_utc[:16] != (source.started_utc or "")[:16]:
        out += f" · last updated {escape(_when(source.updated_utc))}"
    return out


def _share(n: int, of: int) -> str:
    return f'{n} <span class="muted">({n / of:.0%})</span>' if of else str(n)


def _cached(usage: Usage) -> str:
    """The share of prompt tokens read from the provider's cache ("—" with no prompt)."""
    if not usage.prompt_tokens:
        return "—"
    return f"{usage.cached_tokens / usage.prompt_tokens:.0%}"


def _models(stats: Sequence[ExpertStats], scored: bool) -> str:
    if not stats:
        return ""
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Model",
            "Expert runs",
            "Iterations",
            "Tokens",
            "Prompt cached",
            "Cost",
            "Passed train",
            "In the winning group",
            *(["Offered the right outputs"] if scored else []),
        )
    )
    rows = ""
    for m in stats:
        cells = [
            f'<td class="text mono">{escape(m.model)}</td>',
            f"<td>{m.experts:,}</td>",
            f"<td>{m.iterations:,}</td>",
            f"<td>{count(m.usage.prompt_tokens + m.usage.completion_tokens)}</td>",
            f"<td>{_cached(m.usage)}</td>",
            f"<td>{money(m.usage.cost_usd)}</td>",
            f"<td>{_share(m.passed, m.experts)}</td>",
            f"<td>{_share(m.won, m.experts)}</td>",
            *([f"<td>{_share(m.right, m.experts)}</td>"] if scored else []),
        ]
        rows += f"<tr>{''.join(cells)}</tr>"
    return (
        '<div class="panel block"><div class="block-title">Models</div>'
        f'<table class="models"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
    )


def _line_json(t: TaskLine) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": t.task_id,
        "status": t.status,
        "score": t.score,
        "cost_usd": t.usage.cost_usd,
        "iterations": t.iterations,
        "experts": t.experts,
        "agreeing": t.agreeing,
        "passing": t.passing,
        "seconds": t.seconds,
    }
    if t.cause is not None:  # only a task a provider failed has one
        line["cause"] = t.cause
    return line


def render_page(
    source: RunSource,
    *,
    lines: Sequence[TaskLine],
    figures: Sequence[Figure],
    packed_details: Sequence[str],
    models: Sequence[ExpertStats] = (),
    grids_left_out: bool = False,
) -> str:
    """The whole report as one HTML document.

    Args:
        source: the run as read from its directory.
        lines: the task table, in finishing order.
        figures: the summary cards.
        packed_details: each task's details (``pack`` of ``content.task_details``), in the
            order of ``lines``.
        models: what each model did (a table under the charts; none when empty).
        grids_left_out: the details lack the grids of unchosen iterations (the page says so).
    """
    script = page_script("report.js")
    run = source.run
    summary = source.summary
    dataset = run.dataset if run else summary.dataset if summary else "?"
    digest = run.dataset_hash if run else summary.dataset_hash if summary else ""
    data = {"palette": list(PALETTE), "tasks": [_line_json(t) for t in lines]}
    lean_note = (
        '<p class="muted">This run is big: to keep the file small, the largest tasks leave out'
        " the output grids (and, if need be, the programs) of iterations no expert chose; their"
        " feedback is kept, and journal.sqlite keeps everything.</p>"
        if grids_left_out
        else ""
    )
    config = (
        '<details class="block panel"><summary>Configuration (config.toml, as run)</summary>'
        f"<pre>{escape(source.config_toml)}</pre></details>"
        if source.config_toml
        else ""
    )
    body = f"""<header class="top">
<h1>arcloop run <span class="name">{escape(source.name)}</span></h1>
<p class="meta">dataset <b>{escape(dataset)}</b> · sha256
<code title="{escape(digest)}">{escape(digest[:16])}</code>{_times(source)} ·
report by arcloop {escape(__version__)}</p>
</header>
<main>
<section class="cards">{_cards(figures)}</section>
<section class="charts">
<figure class="panel"><figcaption>Cost per task</figcaption>{cost_chart(lines)}</figure>
<figure class="panel"><figcaption>Solved against cost</figcaption>{solved_chart(lines)}</figure>
</section>
{_models(models, any(t.score is not None for t in lines))}
{_errors(source)}
{config}
<h2>Tasks</h2>
{lean_note}
<div class="toolbar">
<input type="search" id="filter-text" placeholder="Filter by task id"
 aria-label="Filter by task id">
<select id="filter-status" aria-label="Show tasks">
<option value="all">All tasks</option><option value="solved">Solved only</option>
<option value="unsolved">Not solved</option><option value="partial">Partly solved</option>
<option value="failed">Failed</option><option value="unscored">Unscored</option>
<option value="provider_error">Provider errors</option>
</select>
<span id="shown">{len(lines)} tasks</span>
</div>
<div class="layout">
<div class="table-wrap panel">{_task_table(lines)}</div>
<article class="task-view panel" id="task-view">
<p class="hint">Select a task to see its grids, the vote, the programs and every expert.</p>
</article>
</div>
</main>
"""
    return html_page(
        title=f"arcloop report · {source.name}",
        style=asset("report.css"),
        body=body,
        data_id="run-data",
        data=data,
        packed=packed_details,
        script=script,
    )
