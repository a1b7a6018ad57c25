"""The ``arcloop`` command line: parse, call the library, print. No logic lives here.

Expected errors (``ArcloopError``) become one line on stderr and the error's exit code;
``ARCLOOP_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import json
import logging
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
@click.option("--verbose", "-v", count=True, help="Log more (-v: info, -vv: debug).")
def main(verbose: int) -> None:
    """Solve ARC-AGI tasks with model-written programs, sandboxed feedback and expert voting."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("arcloop").setLevel(level)


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
    sub = read_json(submission, error=SubmissionError)
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


def _split_ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    ids = [v.strip() for v in value.split(",") if v.strip()]
    if not ids:
        raise click.BadParameter("give at least one task id", param_hint="--tasks")
    return ids


@main.command()
@click.option("--dataset", "-d", help="Dataset name or path [default: arc-agi-1/evaluation].")
@click.option("--solutions", help="Kaggle solutions file for a challenges dataset.")
@click.option("--tasks", help="Comma-separated task ids to run (in that order).")
@click.option("--limit", type=click.IntRange(min=1), help="Run only the first N tasks.")
@click.option("--model", "-m", help="Model for every expert (a LiteLLM string, or local/search).")
@click.option("--api-base", help="Server URL for that model (vLLM, Ollama, a proxy...).")
@click.option("--preset", help="A shipped configuration (see `arcloop presets`).")
@click.option(
    "--config",
    "-c",
    "configs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="TOML config file; repeatable, later ones win.",
)
@click.option("--experts", type=click.IntRange(min=1), help="Number of experts.")
@click.option("--iterations", type=click.IntRange(min=1), help="Iterations per expert.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Tasks in flight at once.")
@click.option("--budget-usd", type=click.FloatRange(min=0), help="Dollar cap for the whole run.")
@click.option("--executor", type=click.Choice(["local", "ray"]), help="Where tasks run.")
@click.option("--ray-address", help="Ray cluster to join (with --executor ray).")
@click.option(
    "--ray-workers",
    type=click.IntRange(min=1),
    help="Ray worker processes [default: one per node].",
)
@click.option(
    "--run-dir", type=click.Path(path_type=Path), help="Run directory (resumed if it exists)."
)
@click.option(
    "--unsafe-sandbox",
    is_flag=True,
    default=None,
    help="As root, run programs even where the sandbox can only fall back to a fresh"
    " interpreter, which does not contain them (see `arcloop doctor`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Show no progress.")
@handle_errors
def run(
    dataset: str | None,
    solutions: str | None,
    tasks: str | None,
    limit: int | None,
    model: str | None,
    api_base: str | None,
    preset: str | None,
    configs: tuple[Path, ...],
    experts: int | None,
    iterations: int | None,
    concurrency: int | None,
    budget_usd: float | None,
    executor: str | None,
    ray_address: str | None,
    ray_workers: int | None,
    run_dir: Path | None,
    unsafe_sandbox: bool | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Run (or resume) an evaluation over a dataset."""
    from arcloop.runs.config import Overrides
    from arcloop.runs.session import RunRequest, run_from_cli

    overrides = Overrides(
        dataset=dataset,
        solutions=solutions,
        tasks=_split_ids(tasks),
        limit=limit,
        model=model,
        api_base=api_base,
        experts=experts,
        iterations=iterations,
        concurrency=concurrency,
        budget_usd=budget_usd,
        executor=executor,
        ray_address=ray_address,
        ray_workers=ray_workers,
        unsafe_sandbox=unsafe_sandbox,
    )
    request = RunRequest(
        preset=preset, files=configs, overrides=overrides, run_dir=run_dir, quiet=quiet
    )
    code = run_from_cli(request, as_json=as_json)
    sys.exit(code)


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="benchmarking", show_default=True, help="Export format.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@handle_errors
def export(run_dir: Path, fmt: str, out: Path) -> None:
    """Export a run's results to another tool's format."""
    from arcloop.runs.export import export_run

    count = export_run(run_dir, fmt=fmt, out=out)
    click.echo(f"wrote {count} task files to {out}")


@main.command()
@click.option("--config", "-c", "configs", multiple=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def models(configs: tuple[Path, ...], as_json: bool) -> None:
    """List the model registry: limits, prices and provider settings."""
    from arcloop.llm.registry import Registry, model_rows
    from arcloop.runs.config import read_toml

    registry = Registry.from_config(*(read_toml(c).get("models", {}) for c in configs))
    rows = model_rows(registry)
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table(
        "model",
        "rate/s",
        "burst",
        "in flight",
        "timeout s",
        "$/M in",
        "$/M cached",
        "$/M out",
        "priced",
        "settings",
    )
    for r in rows:
        table.add_row(
            r.name,
            f"{r.rate:g}",
            str(r.burst),
            str(r.max_in_flight),
            f"{r.request_timeout:g}",
            _price(r.input_price),
            _price(r.cached_input_price),
            _price(r.output_price),
            str(r.price_as_of or "-"),
            json.dumps(r.props, sort_keys=True),
        )
    _console().print(table)


def _price(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


@main.command()
@click.argument("name", required=False)
@handle_errors
def presets(name: str | None) -> None:
    """List the shipped presets, or print one (to copy and edit)."""
    from arcloop.presets import list_presets, preset_text

    if name is not None:
        click.echo(preset_text(name), nl=False)
        return
    table = Table("preset", "experts", "models", "description")
    for p in list_presets():
        table.add_row(p.name, str(p.experts), ", ".join(p.models), p.description)
    _console().print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def doctor(as_json: bool) -> None:
    """Show which sandbox protections are on and off on this machine, and what each means."""
    from arcloop.sandbox import doctor_report

    report = doctor_report()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return
    for line in report.lines():
        click.echo(line)


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Output file [default: RUN_DIR/report.html]."
)
@handle_errors
def report(run_dir: Path, out: Path | None) -> None:
    """Write the run's offline HTML report."""
    from arcloop.report import write_report

    path = write_report(run_dir, out=out)
    click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
