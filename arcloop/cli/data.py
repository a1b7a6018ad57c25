"""Commands about data: ``datasets`` (the bundled sets), ``show`` (a task's grids) and
``score`` (a Kaggle submission against a dataset's solutions).

Not here: running anything (``arcloop.cli.run``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from arcloop._io import read_json
from arcloop.arc.dataset import BUNDLED, DEFAULT_DATASET, find_task, load_dataset
from arcloop.arc.submission import score_submission, validate_submission
from arcloop.cli.output import console, handle_errors, text_table
from arcloop.errors import DatasetError, SubmissionError


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per dataset.")
@handle_errors
def datasets(as_json: bool) -> None:
    """List the bundled datasets: tasks, test outputs and content hash."""
    rows: list[dict[str, Any]] = []
    for name in BUNDLED:
        d = load_dataset(name)
        rows.append(
            {"name": name, "tasks": len(d.tasks), "outputs": d.test_output_count, "hash": d.hash}
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(
        text_table(
            ["dataset", "tasks", "test outputs", "sha256 (first 16)"],
            ([r["name"], str(r["tasks"]), str(r["outputs"]), r["hash"][:16]] for r in rows),
            right=[1, 2],
        )
    )


@click.command()
@click.argument("task_id")
@click.option("--dataset", "-d", help="Dataset name or path (default: search the bundled ones).")
@click.option("--hide-solutions", is_flag=True, help="Do not show the expected test outputs.")
@handle_errors
def show(task_id: str, dataset: str | None, hide_solutions: bool) -> None:
    """Show a task's grids in colour."""
    from arcloop.cli.display import task_view

    task = load_dataset(dataset).task(task_id) if dataset else find_task(task_id)
    out = console()
    out.print(task_view(task, with_solutions=not hide_solutions, width=out.width))


@click.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option(
    "--dataset", "-d", default=DEFAULT_DATASET, show_default=True, help="Dataset name or path."
)
@click.option("--solutions", type=click.Path(path_type=Path), help="Kaggle solutions file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--strict", is_flag=True, help="Fail on an invalid submission instead of scoring it.")
@handle_errors
def score(
    submission: Path, dataset: str, solutions: Path | None, as_json: bool, strict: bool
) -> None:
    """Score a Kaggle submission.json against a dataset's solutions (both ARC scores)."""
    data = load_dataset(dataset, solutions=solutions)
    if not data.has_solutions:
        raise DatasetError(f"{data.name}: has no test outputs, so it cannot be scored")
    sub = read_json(submission, error=SubmissionError)
    if not isinstance(sub, dict):
        raise SubmissionError(f"{submission}: expected an object of task id -> entries")
    if sub and not set(sub) & set(data.by_id):
        raise SubmissionError(
            f"none of the {len(sub)} task ids of the submission is in {data.name}"
            f" ({_some(sorted(sub))}): is --dataset right?"
        )
    if strict:
        validate_submission(sub, data.tasks)
    result = score_submission(data.tasks, sub)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "dataset": data.name,
                    "dataset_hash": data.hash,
                    "solutions_hash": data.solutions_hash,
                    **result.to_json(),
                }
            )
        )
        return
    click.echo(f"dataset          {data.name} (sha256 {data.hash[:16]})")
    click.echo(f"score per task   {result.score_per_task:.4f}  ({result.tasks} tasks)")
    click.echo(
        f"score per output {result.score_per_output:.4f}  "
        f"({result.solved_outputs}/{result.outputs} test outputs)"
    )
    if result.missing_tasks:
        click.echo(f"missing tasks    {result.missing_tasks} (counted as wrong)")
    if result.foreign_tasks:
        n = len(result.foreign_tasks)
        click.echo(
            f"not in dataset   {n} task{'s' * (n != 1)} (ignored): {_some(result.foreign_tasks)}"
        )


def _some(ids: Sequence[str], shown: int = 8) -> str:
    """The first ``shown`` ids, and how many more there are."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more
