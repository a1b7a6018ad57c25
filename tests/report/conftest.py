"""The headless browser the page tests drive: Debian's Chromium through playwright.

Needs ``chromium`` (``apt-get install chromium``) and the ``playwright`` Python package (its
own browser download is never used). Without them a browser test is skipped locally and FAILS
when the ``CI`` environment variable is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _missing(what: str) -> None:
    message = (
        f"{what} is needed for the browser test: apt-get install chromium;"
        " pip install playwright==1.65.2 (never `playwright install`)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _missing("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("The playwright package")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield b
        b.close()
