"""Commands over several runs: ``runs`` (list the run directories in a folder) and ``compare``
(runs against one another, with paired tests; optionally as an HTML page).

Not here: the numbers (``arcloop.runs.compare``, ``arcloop.runs.listing``), the rows a
comparison shows (``arcloop.report.compare_text``) or its page (``arcloop.report.compare_page``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from arcloop.cli.output import handle_errors, terminal_width, text_table

if TYPE_CHECKING:
    from arcloop.runs.comparison import Comparison
    from arcloop.runs.listing import RunLine

ARM_FLAGS = ("--a", "--b", "--c", "--d", "--e", "--f")


@click.command("runs")
@click.argument("folder", required=False, default="runs", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per run.")
@handle_errors
def runs_command(folder: Path, as_json: bool) -> None:
    """List the run directories in FOLDER [default: runs]: status, data, experts, progress,
    scores, cost and time."""
    from arcloop.runs.listing import list_runs

    lines = list_runs(folder)
    if as_json:
        click.echo(json.dumps([line.to_json() for line in lines], indent=2))
    elif not lines:
        click.echo(f"no run directories in {folder}")
    else:
        click.echo(_runs_table(lines))


def _runs_table(lines: Sequence[RunLine]) -> str:
    from arcloop.report.fmt import duration, money

    header = ["run", "status", "dataset", "sha256", "experts", "tasks", "per task", "per output"]
    header += ["cost", "time"]
    rows = []
    for x in lines:
        if x.error is not None:
            rows.append([x.name, x.status, x.error, "", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                x.name,
                x.status,
                x.dataset,
                x.dataset_hash[:8],
                ", ".join(x.experts),
                f"{x.tasks_done}/{'?' if x.tasks is None else x.tasks}",
                _share(x.score_per_task),
                _share(x.score_per_output),
                money(x.cost_usd),
                "—" if x.elapsed_s is None else duration(x.elapsed_s),
            ]
        )
    return text_table(header, rows, width=terminal_width())


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def split_arms(args: Sequence[str]) -> list[list[str]]:
    """Runs per arm from ``A B [C ...]`` (one run per arm) or ``--a R1 R2 --b S1 S2 [...]``.

    >>> split_arms(["x", "y"]), split_arms(["--a", "x1", "x2", "--b", "y1"])
    ([['x'], ['y']], [['x1', 'x2'], ['y1']])

    Raises:
        click.UsageError: the arguments mix both forms, skip an arm, or name an unknown option.
    """
    if not args or args[0] not in ARM_FLAGS:
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            raise click.UsageError(f"no such option: {unknown[0]}")
        return [[a] for a in args]
    arms: list[list[str]] = []
    for arg in args:
        if arg in ARM_FLAGS:
            if ARM_FLAGS.index(arg) != len(arms):
                raise click.UsageError(f"{arg} must come after {ARM_FLAGS[len(arms)]}")
            arms.append([])
        elif arg.startswith("-"):
            raise click.UsageError(f"no such option: {arg}")
        else:
            arms[-1].append(arg)
    empty = next((ARM_FLAGS[i] for i, arm in enumerate(arms) if not arm), None)
    if empty is not None:
        raise click.UsageError(f"{empty} needs at least one run directory")
    return arms


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("runs", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--intersect",
    is_flag=True,
    help="Runs on different data: compare the tasks they share (same id and grids).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON object.")
@click.option(
    "--html", type=click.Path(path_type=Path), help="Also write the comparison page to this file."
)
@handle_errors
def compare(runs: tuple[str, ...], intersect: bool, as_json: bool, html: Path | None) -> None:
    """Compare runs task by task: B (and C, ...) against A.

    \b
    arcloop compare A B [C ...]                 one run per arm
    arcloop compare --a R1 R2 --b S1 S2 [--c …] several runs (seeds) per arm

    Each arm's score per task and per test output with 95% intervals, cost, calls, tokens and
    time; for each arm against A, the per-task score difference with a paired bootstrap
    interval, an exact McNemar test (one run per arm) or a signed-rank test on per-task solve
    rates (several runs), and the tasks only one side solved. Runs on different data are
    refused unless --intersect is given.
    """
    from arcloop.runs.compare import compare_arms

    arms = split_arms(runs)
    if len(arms) < 2:
        raise click.UsageError("give at least two runs (or two arms: --a ... --b ...)")
    comparison = compare_arms(*arms, intersect=intersect)
    if html is not None:
        from arcloop.report.compare_page import write_comparison_page

        write_comparison_page(comparison, html)
    if as_json:
        click.echo(json.dumps(comparison.to_json(), indent=2))
        return
    _print_comparison(comparison)
    if html is not None:
        click.echo(f"wrote {html}")


def _print_comparison(c: Comparison) -> None:
    from arcloop.report.compare_text import (
        arm_rows,
        breakdown_rows,
        pair_lines,
        run_rows,
        several_runs,
    )

    hashes = ", ".join(h[:16] for h in c.dataset_hashes)
    click.echo(
        f"{len(c.arms)} arms on {c.dataset} (sha256 {hashes}), {len(c.task_ids)} tasks compared"
    )
    click.echo(
        text_table(
            ["arm", "run", "experts"],
            ([a.label, r.path, ", ".join(r.experts)] for a in c.arms for r in a.runs),
        )
    )
    for notice in c.notices:
        click.echo(f"notice: {notice}")
    click.echo("\n" + text_table(*arm_rows(c.arms)))
    if several_runs(c.arms):
        click.echo("\n" + text_table(*run_rows(c.arms)))
    if c.breakdown:
        click.echo("\nper model and prompt:\n" + text_table(*breakdown_rows(c)))
    for pair in c.pairs:
        click.echo("\n" + "\n".join(pair_lines(pair)))
