"""The run report: one self-contained, offline HTML page per run directory.

``write_report(run_dir, out=None)`` reads the run's journal, summary and config and writes
``report.html``: the run summary, two charts, a sortable and filterable task table, and for each
task its grids, attempts against the expected outputs, the vote, the winning program and every
expert's iterations. Modules: ``source`` reads the run (through the runs layer's typed
``TaskRecord`` and ``RunSummary``), ``content`` decides what each task shows, ``summary`` the
summary cards and the per-model table, ``charts`` the SVG charts, ``highlight`` colours
Python, ``fmt`` formats numbers, ``page`` assembles the HTML (with ``assets/report.css`` and
``assets/report.js``), ``build`` ties them together.

Not here: a server, live updates, or any network access (the page fetches nothing).
"""

from arcloop.report.build import REPORT, build_report, write_report

__all__ = ["REPORT", "build_report", "write_report"]
