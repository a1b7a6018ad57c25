"""The README's Quick tour, run line by line as a new user would, in an empty folder.

Two things stand in for the user's world: ``runs/<name>`` is the run the tour made first, and
the local server of the ``--api-base`` line is a fake OpenAI-compatible server on 127.0.0.1
(``tests.fakeprovider``). No real provider is called: the line that needs ``GEMINI_API_KEY``
runs without one, and must say so.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from arcloop.cli import main
from tests.fakeprovider import FakeProvider

README = Path(__file__).resolve().parents[1] / "README.md"
IDENTITY = "```python\ndef transform(grid):\n    return grid\n```"
KEYS = ("GEMINI_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "XAI_API_KEY", "GROQ_API_KEY")


def tour_lines() -> list[str]:
    """The commands of the Quick tour's code block, comments removed."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick tour\n\n```bash\n(.*?)```", text, re.S)
    assert block is not None, "the README has no Quick tour code block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_every_tour_line_is_one_arcloop_command() -> None:
    for line in tour_lines():
        words = shlex.split(line)
        assert words[0] == "arcloop", line
        assert not {"|", ";", "&&", "||"} & set(words) and "|" not in line, line


def _runs(folder: Path) -> set[Path]:
    return set((folder / "runs").iterdir()) if (folder / "runs").exists() else set()


@pytest.mark.slow
def test_the_quick_tour_runs_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    outcomes: dict[str, Result] = {}
    first: Path | None = None  # the tour's first run: what runs/<name> stands for
    with FakeProvider(reply=lambda body: IDENTITY) as fake:
        for line in tour_lines():
            if "runs/<name>" in line:
                assert first is not None, "runs/<name> is used before any run was made"
                line = line.replace("runs/<name>", str(first.relative_to(tmp_path)))
            line = line.replace("http://127.0.0.1:8000/v1", fake.openai_base)
            before = _runs(tmp_path)
            started = time.monotonic()
            result = CliRunner().invoke(main, shlex.split(line)[1:], env={"COLUMNS": "80"})
            print(f"{time.monotonic() - started:6.1f} s  {line}")  # shown with -s
            outcomes[line] = result
            if first is None and (made := _runs(tmp_path) - before):
                (first,) = made
            if "--preset" in line:  # the shipped presets call Gemini
                # no key here: one line naming the variable, and no run directory left behind
                assert result.exit_code != 0, line
                assert "GEMINI_API_KEY" in result.stderr, result.stderr
                assert result.stderr.count("\n") <= 2, result.stderr
                assert _runs(tmp_path) == before, line
                continue
            assert result.exit_code == 0, f"{line}\n{result.output}"
        model_requests = fake.count
    assert first is not None
    for line, result in outcomes.items():  # everything fits a terminal of 80 columns
        assert max(map(len, result.stdout.splitlines()), default=0) <= 80, line
    said = {line.split()[1]: r.stdout for line, r in outcomes.items() if r.exit_code == 0}
    assert "arc-agi-2/evaluation" in said["datasets"]
    assert "task 007bbfb7" in said["show"]
    assert (first / "report.html").is_file()
    assert len(json.loads((first / "submission.json").read_text())) == 10
    assert "score per task" in said["score"]
    exported = sorted(p.name for p in (tmp_path / "exported").iterdir())
    assert len(exported) == 11 and ".arcloop-export.manifest" in exported  # 10 tasks
    assert all(f"p1-r{i}" in said["runs"] for i in (1, 2, 3))
    assert "McNemar" in said["compare"]
    assert "local/search" in said["models"] and "poetiq-a" in said["presets"]
    assert "sandbox" in said["doctor"]
    assert model_requests > 0  # the --api-base line called the local server
    names = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(names) == 5 and names[2:] == ["p1-r1", "p1-r2", "p1-r3"]  # + the two first runs
