"""The run report: one self-contained, offline HTML page per run directory.

``write_report(run_dir, out=None)`` reads the run's journal, summary and config and writes
``report.html``: the run summary, two charts, a sortable and filterable task table, and for each
task its grids, attempts against the expected outputs, the vote, the winning program and every
expert's iterations. The run is read by ``arcloop.runs.source`` (through the runs layer's typed
``TaskRecord`` and ``RunSummary``); here ``source`` adds the model responses a page quotes,
``content`` decides what each task shows, ``summary`` the summary cards, ``charts`` the SVG
charts, ``highlight`` colours Python, ``fmt`` formats numbers, ``page`` assembles the HTML
(with ``assets/report.css``, and ``assets/grids.js`` before ``assets/report.js`` in its one
script), ``build`` ties them together.

The comparison of runs has a page too: ``compare_page`` (``write_comparison_page``), in the
words of ``compare_text``, which ``arcloop compare`` prints as well.

Not here: a server, live updates, or any network access (the pages fetch nothing).
"""

from arcloop.report.build import REPORT, build_report, write_report

__all__ = ["REPORT", "build_report", "write_report"]
