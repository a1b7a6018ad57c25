"""The comparison page, opened in headless Chromium: it runs cleanly, shows what ``arcloop
compare`` prints, filters the tasks, and draws a task with both arms side by side.

The runs are the session's (``tests/abruns.py``): the plain prompt against the hint prompt.
The screenshot is saved as ``test-artifacts/compare.png``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arcloop.cli import main
from tests.abruns import Runs

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def page_file(ab_runs: Runs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "compare.html"
    result = CliRunner().invoke(
        main, ["compare", str(ab_runs.plain), str(ab_runs.hint), "--html", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(f"wrote {out}\n")
    return out


def test_the_page_is_self_contained(page_file: Path) -> None:
    html = page_file.read_text()
    assert "http://" not in html and "https://" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the CSP: no network, only the page's own script


def test_comparison_page_in_chromium(browser: Any, page_file: Path, ab_runs: Runs) -> None:
    cli = CliRunner().invoke(main, ["compare", str(ab_runs.plain), str(ab_runs.hint), "--json"])
    (pair,) = json.loads(cli.stdout)["pairs"]
    only_b = pair["solved_only_by_b"]

    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_selector("#task-view canvas")

    # the figures and the verdict, as the terminal prints them
    body = page.locator("main").inner_text()
    assert "B is better: significant at the 5% level (p < 0.05)" in body
    assert "exact McNemar test" in body and "score per task [95% CI]" in body
    assert page.locator(".pair-result").get_attribute("data-significant") == "true"

    # every task is listed; "solved only by B" shows exactly McNemar's discordant tasks
    assert page.locator("#tasks tbody tr").count() == 12
    page.select_option("#filter-solved", "only-B")
    visible = page.locator("#tasks tbody tr:visible")
    assert sorted(visible.nth(i).get_attribute("data-id") for i in range(visible.count())) == (
        sorted(only_b)
    )
    assert page.locator("#shown").inner_text() == f"Showing {len(only_b)} of 12 tasks"
    page.select_option("#filter-solved", "all")

    # a task named in the verdict opens with both arms side by side
    task = only_b[0]
    page.click(f".pair-result a.task-link:has-text('{task}')")
    page.wait_for_selector(f"#task-view h2:has-text('{task}')")
    arms = page.locator("#task-view .arm")
    assert arms.count() == 2
    plain, hint = (arms.nth(i).inner_text() for i in range(2))
    assert "failed" in plain and "return grid" in plain and "wrong" in plain
    assert "solved" in hint and "np.fliplr(grid)" in hint and "matches expected" in hint
    assert arms.nth(0).locator("canvas").count() >= 1 and arms.nth(1).locator("canvas").count() >= 1

    # sorting by A's score puts the tasks A solved last
    page.click("#tasks th:has-text('Score A')")
    scores = page.locator("#tasks tbody tr td:nth-child(2)").evaluate_all(
        "cells => cells.map(c => Number(c.dataset.v))"
    )
    assert scores == sorted(scores)

    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requests)
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)
    page.close()
