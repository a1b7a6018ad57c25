"""``arcloop run`` as a function: resolve the config, pick the run directory, run, report.

It decides what the user sees (progress on stderr, the summary table or JSON on stdout) and the
exit code: 0 finished (a budget stop included), 2 usage/config/input error (raised as
``UserError`` for the CLI to print), 3 refused credentials or every task failed on a fatal
provider error, 130 interrupted (Ctrl-C), 143 and 129 stopped by SIGTERM and SIGHUP.

With ``--repeat N`` it makes N sibling runs ``<dir>-r1`` ... ``<dir>-rN`` of the same
configuration, each with its own expert seeds (``arcloop.runs.config.with_repeat``), one after
another, and ends with the mean ± sd of their scores.

Not here: the options (``arcloop.cli.run``), drawing (``progress``), the run itself
(``arcloop.runs.runner.execute_run``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

from rich.console import Console

from arcloop.arc.dataset import BUNDLED
from arcloop.cli.progress import make_view, summary_table
from arcloop.errors import AuthenticationError, ProviderOutageError
from arcloop.report import write_report
from arcloop.runs import preflight, rundir
from arcloop.runs.config import Overrides, RunConfig, repeat_base, resolve, with_repeat
from arcloop.runs.endpoints import check_endpoints
from arcloop.runs.runner import execute_run
from arcloop.runs.stats import mean_and_sd
from arcloop.runs.summary import RunSummary

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROVIDER = 3
EXIT_INTERRUPTED = 130
T = TypeVar("T")


@dataclass(frozen=True)
class Prepared:
    """A run ready to start: its config, its directory, and whether it is a resume."""

    config: RunConfig
    run_dir: Path
    resuming: bool


@dataclass(frozen=True)
class RunRequest:
    """What the user asked for on the command line (``repeat``: run it that many times)."""

    preset: str | None = None
    files: Sequence[Path] = ()
    overrides: Overrides = field(default_factory=Overrides)
    run_dir: Path | None = None
    quiet: bool = False
    dry_run: bool = False
    check: bool = False
    repeat: int | None = None


def default_run_dir(config: RunConfig, *, now: datetime | None = None) -> Path:
    """A new ``runs/<dataset>-<YYYYmmdd-HHMMSS>`` under the current directory.

    A run started in the same second as another gets a suffix (``-2``, ...): a default
    directory is never an existing run, which would be resumed.
    """
    name = config.run.dataset
    base = name if name in BUNDLED else (Path(name).stem or name)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-") or "run"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = Path("runs") / f"{slug}-{stamp}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = Path("runs") / f"{slug}-{stamp}-{n}"
    return candidate


def prepare(request: RunRequest, notice: Callable[[str], None] = lambda text: None) -> Prepared:
    """Resolve the config and the run directory.

    A run directory that holds a run is resumed with the settings its journal recorded
    (``config.toml`` is only their readable copy); one that holds anything else is refused.

    Raises:
        ConfigError: invalid options or files.
        ResumeConflictError: an option, or an edited ``config.toml``, contradicts the run.
        RunDirectoryError, JournalError: the directory is not a run of arcloop's.
    """
    if request.run_dir is not None:
        return _prepare_one(request, request.run_dir, 1, notice)
    config = resolve(preset=request.preset, files=request.files, overrides=request.overrides)
    return Prepared(config, default_run_dir(config), resuming=False)


def prepare_repeats(
    request: RunRequest, notice: Callable[[str], None] = lambda text: None
) -> list[Prepared]:
    """The runs of ``--repeat N``: ``<dir>-r1`` ... ``<dir>-rN``, each prepared as ``prepare``
    does, with its own expert seeds (``with_repeat``); a repeat whose directory already holds a
    run resumes it. Errors as for ``prepare``."""
    assert request.repeat is not None
    base = request.run_dir
    if base is None:
        config = resolve(preset=request.preset, files=request.files, overrides=request.overrides)
        base = default_run_dir(config)
    return [
        _prepare_one(request, base.with_name(f"{base.name}-r{k}"), k, notice)
        for k in range(1, request.repeat + 1)
    ]


def _prepare_one(
    request: RunRequest, run_dir: Path, repeat: int, notice: Callable[[str], None]
) -> Prepared:
    stored = rundir.inspect(run_dir)
    if stored is not None:
        if (run_dir / rundir.CONFIG).exists():
            rundir.check_config_copy(run_dir, stored)
        else:
            notice(
                f"{run_dir / rundir.CONFIG} is missing; resuming with the settings"
                " recorded in the journal"
            )
        config_toml = stored.config_toml
        if request.repeat is not None:  # the options give repeat 1: compare with that
            config_toml = repeat_base(config_toml, repeat)
        config = resolve(
            preset=request.preset,
            files=request.files,
            overrides=request.overrides,
            stored=config_toml,
        )
        return Prepared(with_repeat(config, repeat), run_dir, resuming=True)
    config = resolve(preset=request.preset, files=request.files, overrides=request.overrides)
    return Prepared(with_repeat(config, repeat), run_dir, resuming=False)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Handled like Ctrl-C: the run stops cleanly and exits with 128 + the signal (143, 129)."""


async def _stopped_by_signals(work: Coroutine[Any, Any, T], received: list[int]) -> T:
    """Await ``work``; SIGTERM or SIGHUP cancel it as Ctrl-C does (the journal stays
    consistent, the sandbox and search pool are closed), and are noted in ``received``."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def stop(sig: int) -> None:
        received.append(sig)
        task.cancel()

    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            continue
    try:
        return await work
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _write_report(run_dir: Path) -> Path | None:
    try:
        return write_report(run_dir)
    except Exception:  # a report failure must never fail a finished run
        logger.exception("could not write the report for %s", run_dir)
        return None


def run_from_cli(
    request: RunRequest,
    *,
    as_json: bool,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run as ``arcloop run`` does and return the exit code.

    With ``repeat``, the runs go one after another; the first that does not end with exit code
    0 stops the rest. ``--json`` then prints a list of the summaries.

    Raises:
        UserError: invalid config, options or data (the CLI prints it, exit code 2).
    """
    out = Console(file=stdout or sys.stdout, highlight=False)
    err = Console(file=stderr or sys.stderr, highlight=False)

    def say(text: str) -> None:
        err.print(text, markup=False, soft_wrap=True)

    if request.repeat is None:
        code, summary = _run_one(prepare(request, say), request, out, err, as_json=as_json)
        if as_json and summary is not None:
            out.print(json.dumps(summary.to_json()), markup=False, soft_wrap=True)
        return code
    planned = prepare_repeats(request, say)
    summaries: list[RunSummary] = []
    code = EXIT_OK
    for k, prepared in enumerate(planned, start=1):
        if not request.quiet:
            say(f"repeat {k} of {len(planned)}: {prepared.run_dir}")
        code, summary = _run_one(
            prepared, request, out, err, as_json=as_json, check_endpoints_first=k == 1
        )
        if summary is not None:
            summaries.append(summary)
        if code != EXIT_OK:
            break
    if as_json and not request.dry_run:
        out.print(json.dumps([s.to_json() for s in summaries]), markup=False, soft_wrap=True)
    elif not request.quiet and summaries and len(summaries) == len(planned):
        _print_repeats(out, summaries)
    return code


def _print_repeats(out: Console, summaries: Sequence[RunSummary]) -> None:
    scores = [s.score_per_task for s in summaries]
    if all(s is not None for s in scores):
        spread = mean_and_sd([s or 0.0 for s in scores])
        out.print(
            f"score per task over {len(summaries)} repeats: {spread} (mean ± sd)",
            markup=False,
            soft_wrap=True,
        )
    dirs = " ".join(s.run_dir for s in summaries)
    out.print(
        f"compare with another configuration:\n  arcloop compare --a {dirs} --b ...",
        markup=False,
        soft_wrap=True,
    )


def _run_one(
    prepared: Prepared,
    request: RunRequest,
    out: Console,
    err: Console,
    *,
    as_json: bool,
    check_endpoints_first: bool = True,
) -> tuple[int, RunSummary | None]:
    """One run: its exit code, and its summary unless it stopped before writing one (or
    ``--dry-run`` only printed its plan)."""

    def say(text: str) -> None:
        err.print(text, markup=False, soft_wrap=True)

    config, run_dir = prepared.config, prepared.run_dir
    checked = preflight.check(config, run_dir)  # before anything is created or sent
    for text in checked.notices:
        say(text)
    if request.check and check_endpoints_first:
        for line in asyncio.run(check_endpoints(config)):
            say(line)
    if request.dry_run:
        for line in preflight.plan(config, checked.dataset).lines():
            out.print(line, markup=False, soft_wrap=True)
        return EXIT_OK, None
    if prepared.resuming and not request.quiet:
        say(f"resuming the run in {run_dir}")
    received: list[int] = []
    try:
        summary = asyncio.run(
            _stopped_by_signals(
                execute_run(
                    config,
                    run_dir,
                    view=lambda state: make_view(state, err, quiet=request.quiet),
                ),
                received,
            )
        )
    except (KeyboardInterrupt, asyncio.CancelledError):
        how = f"stopped by {signal.Signals(received[0]).name}" if received else "interrupted"
        say(
            f"{how}; the journal and submission are consistent."
            f" Resume with: arcloop run --run-dir {run_dir}"
        )
        return (128 + received[0] if received else EXIT_INTERRUPTED), None
    except (AuthenticationError, ProviderOutageError) as e:
        say(f"arcloop: error: {e}")
        say(f"finished tasks are kept; resume with: arcloop run --run-dir {run_dir}")
        return EXIT_PROVIDER, None
    report = _write_report(run_dir)
    if not as_json and not request.quiet:
        out.print(summary_table(summary))
        if report is not None:
            out.print(f"report: {report}", markup=False)
    if summary.provider_failed_tasks and not summary.leg_tasks_finished:
        say(
            f"arcloop: every task of this leg failed on a provider error"
            f" ({summary.provider_failures[0].cause}); they are kept: resume with"
            f" arcloop run --run-dir {run_dir}"
        )
        return EXIT_PROVIDER, summary
    return EXIT_OK, summary
