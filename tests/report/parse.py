"""Read a generated report back the way a browser's parser splits it: its script elements."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from arcloop.report.page import unpack


@dataclass(frozen=True)
class Script:
    """One ``<script>`` element: its attributes and its text."""

    attrs: dict[str, str | None]
    text: str


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[Script] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append(Script(self._open, "".join(self._text)))
            self._open = None


@dataclass(frozen=True)
class Report:
    """A report split into its scripts, with its data decoded."""

    scripts: list[Script]
    run: dict[str, Any]
    details: list[dict[str, Any]]


def read_report(html: str) -> Report:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    run = next(s for s in parser.scripts if s.attrs.get("id") == "run-data")
    blobs = [s for s in parser.scripts if s.attrs.get("type") == "application/x-arcloop-task"]
    assert [s.attrs["id"] for s in blobs] == [f"task-{i}" for i in range(len(blobs))]
    return Report(
        scripts=parser.scripts,
        run=json.loads(run.text),
        details=[unpack(s.text) for s in blobs],
    )


def segments_text(segments: list[Any]) -> str:
    """The text of highlighted code segments."""
    return "".join(s if isinstance(s, str) else s[1] for s in segments)
