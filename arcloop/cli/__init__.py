"""The ``arcloop`` command line: parse, call the library, print. No logic lives here.

One module per group of commands: ``data`` (datasets, show, score; ``display`` draws grids),
``run`` (run; what it shows and its exit codes are in ``session`` and ``progress``), ``results``
(report, export), ``compare`` (runs, compare), ``logs`` (the calls of a run) and ``setup``
(models, presets, doctor). Expected errors (``ArcloopError``)
become one line on stderr and the error's exit code (``output``); ``ARCLOOP_DEBUG=1`` shows the
traceback instead. Commands import the library inside their bodies, so ``arcloop --help``
starts fast.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from dotenv import load_dotenv

from arcloop._version import __version__
from arcloop.cli.compare import compare, runs_command
from arcloop.cli.data import datasets, score, show
from arcloop.cli.logs import logs
from arcloop.cli.results import export, report
from arcloop.cli.run import run
from arcloop.cli.setup import doctor, models, presets


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arcloop")
@click.option("--verbose", "-v", count=True, help="Log more (-v: info, -vv: debug).")
def main(verbose: int) -> None:
    """Solve ARC-AGI tasks with model-written programs, sandboxed feedback and expert voting."""
    load_dotenv(Path.cwd() / ".env", override=False)  # API keys; the environment wins
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("arcloop").setLevel(level)


for _command in (
    datasets,
    show,
    score,
    run,
    runs_command,
    compare,
    logs,
    export,
    models,
    presets,
    doctor,
    report,
):
    main.add_command(_command)
