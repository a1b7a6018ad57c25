"""A generated report, opened in headless Chromium: it runs cleanly, draws, filters and sorts.

The browser is the ``browser`` fixture of ``conftest.py`` (Debian's Chromium, skipped locally
without it, failing under ``CI``). The screenshot is saved as
``test-artifacts/report.png`` (the top of the page) and
``test-artifacts/report-task.png`` (a task with an expert and an iteration opened).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arcloop.arc.dataset import load_dataset
from arcloop.arc.grid import PALETTE
from arcloop.report import write_report
from arcloop.runs.source import read_run
from tests.report.synthetic import RunSpec, default_program, make_run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
EVIL = "</script><script>alert(1)</script>"


def _program(task_id: str, expert: int, iteration: int) -> str:
    if expert == 0:
        return f"# {EVIL}\nNOTE = '{EVIL}'\n" + default_program(task_id, expert, iteration)
    return default_program(task_id, expert, iteration)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tasks = load_dataset("arc-agi-1/evaluation").tasks[:8]
    spec = RunSpec(experts=3, iterations=4, with_calls=True, seed=1, program=_program)
    run_dir = make_run(tmp_path_factory.mktemp("browser") / "run-8", tasks, spec)
    return write_report(run_dir)


def test_report_in_chromium(browser: Any, report: Path) -> None:
    source = read_run(report.parent)
    statuses = [task.correct for task in source.tasks]
    solved = sum(1 for c in statuses if c is not None and all(c))
    assert 0 < solved < len(statuses), "the run should mix solved and unsolved tasks"

    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    problems: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(report.as_uri())
    page.wait_for_selector("#task-view canvas")

    # the table shows every task
    assert page.locator("#shown").inner_text() == "Showing 8 of 8 tasks"
    assert page.locator("#tasks tbody tr").count() == 8

    # the first task is open and its grids are drawn in the ARC palette
    first = source.tasks[0]
    corner = first.task.test[0].input[0][0]
    rgb = page.evaluate(
        """() => {
            const c = document.querySelector('#task-view canvas');
            const cell = Math.floor(parseFloat(c.style.width) / Number(c.dataset.cols));
            const ratio = window.devicePixelRatio || 1;
            const at = Math.floor((cell / 2) * ratio);
            return Array.from(c.getContext('2d').getImageData(at, at, 1, 1).data.slice(0, 3));
        }"""
    )
    assert "#" + "".join(f"{v:02X}" for v in rgb) == PALETTE[corner]
    assert page.locator("#task-view canvas").count() >= 2 * len(first.task.train)

    # filters: solved only, then not solved, then by id
    page.select_option("#filter-status", "solved")
    visible = page.locator("#tasks tbody tr:visible")
    assert visible.count() == solved
    assert {visible.nth(i).get_attribute("data-status") for i in range(solved)} == {"solved"}
    assert page.locator("#shown").inner_text() == f"Showing {solved} of 8 tasks"
    page.select_option("#filter-status", "unsolved")
    assert page.locator("#tasks tbody tr:visible").count() == sum(
        1 for c in statuses if c is not None and not all(c)
    )
    page.select_option("#filter-status", "all")
    page.fill("#filter-text", source.tasks[3].task_id[:6])
    assert page.locator("#tasks tbody tr:visible").count() == 1
    page.fill("#filter-text", "")

    # sorting by cost, both ways
    page.click("#tasks th:has-text('Cost')")
    costs = [
        float(v)
        for v in page.locator("#tasks tbody tr td:nth-child(4)").evaluate_all(
            "cells => cells.map(c => c.dataset.v)"
        )
    ]
    assert costs == sorted(costs)
    page.click("#tasks th:has-text('Cost')")
    costs = [
        float(v)
        for v in page.locator("#tasks tbody tr td:nth-child(4)").evaluate_all(
            "cells => cells.map(c => c.dataset.v)"
        )
    ]
    assert costs == sorted(costs, reverse=True)
    page.click("#tasks th:has-text('#')")

    # the keyboard walks the table
    page.focus("#tasks tbody tr[data-index='0']")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"#task-view h2:has-text('{source.tasks[1].task_id}')")

    # a solved task, its first expert and an iteration opened: hostile text shows as text
    target = next(i for i, c in enumerate(statuses) if c is not None and all(c))
    page.click(f"#tasks tbody tr[data-index='{target}']")
    page.wait_for_selector(f"#task-view h2:has-text('{source.tasks[target].task_id}')")
    page.click("#task-view details.expert >> nth=0 >> summary")
    page.click("#task-view details.expert >> nth=0 >> details.iteration >> nth=0 >> summary")
    page.wait_for_selector("#task-view details.iteration[open] > .body")  # built on toggle
    body = page.locator("#task-view details.iteration >> nth=0").inner_text()
    assert "Feedback given to the next iteration" in body and EVIL in body
    assert page.locator("#task-view details.iteration canvas").count() > 0
    assert page.evaluate("document.scripts.length") == 2 + 8 + 1 - 1  # run data, 8 tasks, code
    assert dialogs == []
    assert problems == []

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 1400})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    page.locator("#task-view").screenshot(path=str(ARTIFACTS / "report-task.png"))
    page.close()
