"""Build a run's report and write it next to the run: ``write_report(run_dir)``::

    write_report(Path("runs/eval-1"))   # -> Path("runs/eval-1/report.html")

The run directory is only read: the journal is opened but never written, and the report is
written atomically (a reader sees the old report or the new one, never half of one), so it can
be refreshed while a run is still going.

Not here: the CLI (``arcloop report RUN_DIR [--out FILE]`` calls ``write_report``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from arcloop._io import write_text_atomic
from arcloop.errors import OutputFileError
from arcloop.report.content import (
    task_details,
    task_line,
    wanted_call_ids,
    without_iteration_grids,
    without_unchosen_colouring,
    without_unchosen_programs,
)
from arcloop.report.page import pack, render_page
from arcloop.report.source import read_responses
from arcloop.report.summary import run_figures
from arcloop.runs.breakdown import expert_stats
from arcloop.runs.source import read_run

log = logging.getLogger(__name__)

REPORT = "report.html"
MAX_DETAIL_BYTES = 16_000_000
"""The budget of packed task data (base64 text): a task over its share drops, step by step
until it fits, the grids of its unchosen iterations, the colouring of their programs, and
their programs, so a big run's report stays near the 20 MB a browser opens with ease."""


def build_report(run_dir: Path, *, max_bytes: int = MAX_DETAIL_BYTES) -> str:
    """The report of the run in ``run_dir`` as one self-contained HTML document.

    Args:
        run_dir: a run directory.
        max_bytes: the budget for the packed task details; a task over its share
            (``max_bytes`` / tasks) leaves out the output grids of the iterations no expert
            chose (the page says so).

    Raises:
        RunDirectoryError: ``run_dir`` has no journal.
        JournalError: the journal cannot be read.
    """
    source = read_run(run_dir)
    records = [*source.tasks, *(f.record for f in source.failures)]
    causes = [None] * len(source.tasks) + [f.cause for f in source.failures]
    lines = [
        task_line(i, task, cause=cause)
        for i, (task, cause) in enumerate(zip(records, causes, strict=True), start=1)
    ]
    responses = read_responses(
        run_dir, (call_id for task in records for call_id in wanted_call_ids(task))
    )
    share = max_bytes // max(len(records), 1)
    packed = []
    lean = 0
    for task in records:
        details = task_details(task, responses)
        blob = pack(details)
        if len(blob) > share:
            details = without_iteration_grids(details)
            blob = pack(details)
            lean += 1
        if len(blob) > share:
            details = without_unchosen_colouring(details)
            blob = pack(details)
        if len(blob) > share:
            blob = pack(without_unchosen_programs(details))
        packed.append(blob)
    if lean:
        log.info(
            "%d of %d tasks were over their share of %d bytes: the grids of their unchosen"
            " iterations are left out",
            lean,
            len(packed),
            share,
        )
    return render_page(
        source,
        lines=lines,
        figures=run_figures(source, lines),
        packed_details=packed,
        models=expert_stats(source.tasks),
        grids_left_out=lean > 0,
    )


def write_report(
    run_dir: Path, *, out: Path | None = None, max_bytes: int = MAX_DETAIL_BYTES
) -> Path:
    """Write the report of the run in ``run_dir`` and return where it was written.

    Args:
        run_dir: a run directory (it must hold ``journal.sqlite``).
        out: where to write; ``run_dir/report.html`` when None.
        max_bytes: see ``build_report``.

    Raises:
        RunDirectoryError: ``run_dir`` has no journal.
        JournalError: the journal cannot be read.
        OutputFileError: the report cannot be written at ``out``.
    """
    run_dir = Path(run_dir)
    target = Path(out) if out is not None else run_dir / REPORT
    html = build_report(run_dir, max_bytes=max_bytes)
    try:
        write_text_atomic(target, html)
    except OSError as e:
        where = e.filename or target
        raise OutputFileError(f"{where}: cannot write the report there: {e.strerror}") from e
    log.info("report written to %s (%d bytes)", target, len(html.encode()))
    return target
