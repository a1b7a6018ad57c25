"""The ``run`` command: its options, turned into a ``RunRequest`` for ``arcloop.cli.session``.

Not here: what a run shows or returns (``session``), or the run itself (``arcloop.runs``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arcloop.cli.output import config_files, handle_errors


def _price(value: str | None) -> tuple[float, float, float | None] | None:
    """``INPUT,OUTPUT[,CACHED]`` in USD per 1M tokens."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (2, 3) or any(n < 0 for n in numbers):
        raise click.BadParameter(
            f"{value!r}: give INPUT,OUTPUT or INPUT,OUTPUT,CACHED in USD per 1M tokens,"
            " e.g. 1.25,10 or 1.25,10,0.125",
            param_hint="--price",
        )
    return numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else None


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def _duration(value: str | None) -> float | None:
    """A duration such as ``12h``, ``90m``, ``600s`` or ``600`` (seconds), in seconds.

    >>> _duration("12h"), _duration("1.5m"), _duration("600")
    (43200.0, 90.0, 600.0)
    """
    if value is None:
        return None
    text = value.strip().lower()
    unit = _UNITS.get(text[-1:])
    number = text[:-1] if unit is not None else text
    try:
        seconds = float(number) * (unit or 1.0)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise click.BadParameter(
            f"{value!r}: give a positive duration, e.g. 12h, 90m or 600s", param_hint="--deadline"
        )
    return seconds


def _split_ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    ids = [v.strip() for v in value.split(",") if v.strip()]
    if not ids:
        raise click.BadParameter("give at least one task id", param_hint="--tasks")
    return ids


@click.command()
@click.option("--dataset", "-d", help="Dataset name or path [default: arc-agi-1/evaluation].")
@click.option("--solutions", help="Kaggle solutions file for a challenges dataset.")
@click.option("--tasks", help="Comma-separated task ids to run (in that order).")
@click.option("--limit", type=click.IntRange(min=1), help="Run only the first N tasks.")
@click.option("--model", "-m", help="Model for every expert (a LiteLLM string, or local/search).")
@click.option("--api-base", help="Server URL for that model (vLLM, Ollama, a proxy...).")
@click.option(
    "--price",
    metavar="INPUT,OUTPUT[,CACHED]",
    help="That model's price in USD per 1M tokens (input, output, cached input).",
)
@click.option("--preset", help="A shipped configuration (see `arcloop presets`).")
@config_files("TOML config file; repeatable, later ones win.")
@click.option("--experts", type=click.IntRange(min=1), help="Number of experts.")
@click.option("--iterations", type=click.IntRange(min=1), help="Iterations per expert.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Tasks in flight at once.")
@click.option("--budget-usd", type=click.FloatRange(min=0), help="Dollar cap for the whole run.")
@click.option(
    "--deadline",
    metavar="DURATION",
    help="End this leg of the run in time: no call starts that cannot finish before it"
    " (e.g. 12h, 90m, 600s; unfinished tasks keep their best attempts).",
)
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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check everything, print the plan (experts, prices, most calls and cost), run nothing.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Before starting, send each model one tiny request to see that its key works.",
)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    help="Run the same configuration N times with distinct expert seeds, into sibling run"
    " directories RUN_DIR-r1 ... RUN_DIR-rN.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as JSON on stdout (with --repeat, a list of them).",
)
@click.option("--quiet", "-q", is_flag=True, help="Show no progress.")
@handle_errors
def run(
    dataset: str | None,
    solutions: str | None,
    tasks: str | None,
    limit: int | None,
    model: str | None,
    api_base: str | None,
    price: str | None,
    preset: str | None,
    configs: tuple[Path, ...],
    experts: int | None,
    iterations: int | None,
    concurrency: int | None,
    budget_usd: float | None,
    deadline: str | None,
    executor: str | None,
    ray_address: str | None,
    ray_workers: int | None,
    run_dir: Path | None,
    unsafe_sandbox: bool | None,
    dry_run: bool,
    check: bool,
    repeat: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Run (or resume) an evaluation over a dataset."""
    from arcloop.cli.session import RunRequest, run_from_cli
    from arcloop.runs.config import Overrides

    overrides = Overrides(
        dataset=dataset,
        solutions=solutions,
        tasks=_split_ids(tasks),
        limit=limit,
        model=model,
        api_base=api_base,
        price=_price(price),
        experts=experts,
        iterations=iterations,
        concurrency=concurrency,
        budget_usd=budget_usd,
        deadline_s=_duration(deadline),
        executor=executor,
        ray_address=ray_address,
        ray_workers=ray_workers,
        unsafe_sandbox=unsafe_sandbox,
    )
    request = RunRequest(
        preset=preset,
        files=configs,
        overrides=overrides,
        run_dir=run_dir,
        quiet=quiet,
        dry_run=dry_run,
        check=check,
        repeat=repeat,
    )
    code = run_from_cli(request, as_json=as_json)
    sys.exit(code)
