"""Commands that read a run directory: ``report`` (its offline HTML page) and ``export`` (its
results in another tool's format).

Not here: making or resuming a run (``arcloop.cli.run``).
"""

from __future__ import annotations

from pathlib import Path

import click

from arcloop.cli.output import handle_errors


@click.command()
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


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="benchmarking", show_default=True, help="Export format.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option(
    "--force",
    is_flag=True,
    help="Export into a folder holding other files (only files arcloop wrote are replaced).",
)
@handle_errors
def export(run_dir: Path, fmt: str, out: Path, force: bool) -> None:
    """Export a run's results to another tool's format (benchmarking: the ARC Prize
    benchmarking harness's)."""
    from arcloop.runs.export import export_run

    done = export_run(run_dir, fmt=fmt, out=out, force=force)
    failed = f" ({done.failed} with no answer: a provider failed them)" if done.failed else ""
    click.echo(f"wrote {done.files} task files to {out}{failed}")
