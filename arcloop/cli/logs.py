"""The ``logs`` command: the model calls of a run, or one call's prompt and response.

Not here: reading the journal (``arcloop.runs.calls``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from arcloop.cli.output import handle_errors, terminal_width, text_table

if TYPE_CHECKING:
    from arcloop.llm.journal import CallRecord
    from arcloop.runs.calls import RunCall


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--task", help="Only the calls for this task id.")
@click.option("--model", help="Only the calls to this model (a name or a glob: 'openai/*').")
@click.option(
    "--status",
    type=click.Choice(["ok", "error"]),
    help="Only answered (ok) or failed (error) calls.",
)
@click.option("--show", "show_id", type=int, help="Print this call's prompt and response.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list, or one call).")
@handle_errors
def logs(
    run_dir: Path,
    task: str | None,
    model: str | None,
    status: Literal["ok", "error"] | None,
    show_id: int | None,
    as_json: bool,
) -> None:
    """List the model calls of the run in RUN_DIR: time, model, task/expert/iteration,
    tokens, cost, status and error; or, with --show ID, one call's prompt and response."""
    from arcloop.runs.calls import run_call, run_calls

    if show_id is not None:
        call, record = run_call(run_dir, show_id)
        if as_json:
            click.echo(json.dumps(_with_text(call, record), indent=2))
        else:
            click.echo(_call_text(call, record))
        return
    calls = run_calls(run_dir, task=task, model=model, status=status)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in calls], indent=2))
    elif not calls:
        click.echo("no calls match")
    else:
        click.echo(_calls_table(calls))


def _calls_table(calls: list[RunCall]) -> str:
    from arcloop.report.fmt import money

    header = ["id", "time (UTC)", "model", "task", "expert", "iteration", "tokens in/out"]
    header += ["cost", "seconds", "status", "error"]
    rows = []
    for c in calls:
        x = c.call
        rows.append(
            [
                str(x.id),
                x.datetime_utc[:19].replace("T", " "),
                x.model,
                c.task_id or "—",
                "—" if c.expert is None else str(c.expert),
                "—" if c.iteration is None else str(c.iteration),
                f"{x.usage.prompt_tokens:,}/{x.usage.completion_tokens:,}",
                money(x.usage.cost_usd),
                f"{x.usage.latency_s:.1f}",
                x.status,
                c.error or "",
            ]
        )
    return text_table(header, rows, width=terminal_width())


def _with_text(call: RunCall, record: CallRecord) -> dict[str, object]:
    return {
        **call.to_json(),
        "settings": dict(record.settings),
        "messages": list(record.messages),
        "response": record.response,
    }


def _call_text(call: RunCall, record: CallRecord) -> str:
    """One call as ``llm logs`` prints one: a heading, the prompt, then the response."""
    x = call.call
    where = (
        f"task {call.task_id} · expert {call.expert} · iteration {call.iteration}"
        if call.task_id is not None
        else f"sample {x.sample_key}"
    )
    lines = [
        f"# call {x.id} · {x.datetime_utc} · {x.model}",
        "",
        f"{where} · {x.usage.prompt_tokens:,} tokens in ({x.usage.cached_tokens:,} cached),"
        f" {x.usage.completion_tokens:,} out · ${x.usage.cost_usd:.6f} · {x.usage.latency_s:.2f} s"
        f" · {x.status}" + (f" · {call.error}" if call.error else ""),
        "",
        "## Prompt",
    ]
    for m in record.messages:
        lines += ["", f"### {m['role']}", "", m["content"]]
    lines += ["", "## Response", "", record.response if record.response is not None else "(none)"]
    return "\n".join(lines)
