"""The ``arcloop`` command line: parse, call the library, print. No logic lives here.

Expected errors (``ArcloopError``) become one line on stderr and the error's exit code;
``ARCLOOP_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from arcloop import __version__
from arcloop._io import read_json
from arcloop.arc.dataset import BUNDLED, DEFAULT_DATASET, find_task, load_dataset
from arcloop.arc.submission import score_submission, validate_submission
from arcloop.errors import ArcloopError, DatasetError, SubmissionError

F = TypeVar("F", bound=Callable[..., Any])


def _debug() -> bool:
    return os.environ.get("ARCLOOP_DEBUG", "") not in ("", "0")


def handle_errors(fn: F) -> F:
    """Turn an ``ArcloopError`` into one clean line on stderr and its exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArcloopError as e:
            if _debug():
                raise
            click.echo(f"arcloop: error: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


def _console() -> Console:
    return Console(highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arcloop")
def main() -> None:
    """Solve ARC-AGI tasks with model-written programs, sandboxed feedback and expert voting."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
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
    table = Table("dataset", "tasks", "test outputs", "sha256")
    for r in rows:
        table.add_row(r["name"], str(r["tasks"]), str(r["outputs"]), r["hash"][:16])
    _console().print(table)


@main.command()
@click.argument("task_id")
@click.option("--dataset", "-d", help="Dataset name or path (default: search the bundled ones).")
@click.option("--hide-solutions", is_flag=True, help="Do not show the expected test outputs.")
@handle_errors
def show(task_id: str, dataset: str | None, hide_solutions: bool) -> None:
    """Show a task's grids in colour."""
    from arcloop.display import task_view

    task = load_dataset(dataset).task(task_id) if dataset else find_task(task_id)
    _console().print(task_view(task, with_solutions=not hide_solutions))


@main.command()
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
    try:
        sub = read_json(submission)
    except OSError as e:
        raise SubmissionError(f"{submission}: cannot read: {e.strerror or e}") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SubmissionError(f"{submission}: not valid JSON: {e}") from e
    if not isinstance(sub, dict):
        raise SubmissionError(f"{submission}: expected an object of task id -> entries")
    if strict:
        validate_submission(sub, data.tasks)
    result = score_submission(data.tasks, sub)
    if as_json:
        click.echo(
            json.dumps({"dataset": data.name, "dataset_hash": data.hash, **result.to_json()})
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


if __name__ == "__main__":
    main()
