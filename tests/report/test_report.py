"""The report of a run: what it shows matches the journal, text stays text, nothing is fetched."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
from html import escape
from pathlib import Path

import pytest

from arcloop._sqlite import connect
from arcloop.arc.dataset import load_dataset
from arcloop.arc.task import Task
from arcloop.errors import JournalError, RunDirectoryError
from arcloop.report import REPORT, build_report, write_report
from arcloop.report.content import grid_code, task_line, without_unchosen_colouring
from arcloop.report.fmt import money
from arcloop.report.page import script_json
from arcloop.runs.breakdown import expert_stats
from arcloop.runs.journal import candidates_of, finished_tasks
from arcloop.runs.source import read_run
from tests.report.parse import read_report, segments_text
from tests.report.synthetic import RunSpec, make_run, renamed

HOSTILE = "</script><script>alert(1)</script><!-- \u2028 & <b>"


@pytest.fixture(scope="module")
def tasks() -> tuple[Task, ...]:
    return load_dataset("arc-agi-1/evaluation").tasks[:6]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, tasks: tuple[Task, ...]) -> Path:
    spec = RunSpec(experts=3, iterations=3, with_calls=True, seed=4)
    return make_run(tmp_path_factory.mktemp("run") / "r", tasks, spec)


def test_report_shows_every_finished_task_as_the_journal_has_it(run_dir: Path) -> None:
    path = write_report(run_dir)
    assert path == run_dir / REPORT
    page = read_report(path.read_text(encoding="utf-8"))
    conn = connect(run_dir / "journal.sqlite")
    stored = list(finished_tasks(conn))
    assert [t["id"] for t in page.run["tasks"]] == [t.task_id for t in stored]
    for line, detail, task in zip(page.run["tasks"], page.details, stored, strict=True):
        assert detail["id"] == task.task_id
        assert [p["input"] for p in detail["train"]] == [
            grid_code(p.input) for p in task.task.train
        ]
        assert [t["expected"] for t in detail["test"]] == [
            grid_code(p.output) for p in task.task.test
        ]
        assert [t["attempts"] for t in detail["test"]] == [
            [grid_code(g) for g in per_input] for per_input in task.attempts
        ]
        assert [t["correct"] for t in detail["test"]] == task.correct
        # the vote: ranks from 1, sizes as stored
        assert [g["rank"] for g in detail["vote"]] == list(range(1, len(task.vote) + 1))
        assert [g["size"] for g in detail["vote"]] == [g.size for g in task.vote]
        # every candidate is shown, with its program intact
        candidates = candidates_of(conn, task.task_id)
        shown = [it for x in detail["experts"] for it in x["iterations"]]
        assert line["iterations"] == len(shown) == len(candidates)
        assert [segments_text(it["code"]) for it in shown] == [c["code"] for c in candidates]
        assert [it["feedback"] for it in shown] == [c["feedback"] for c in candidates]
        # the winning program is the first member of the first vote group
        expert, iteration = task.vote[0].members[0]
        winner = next(c for c in candidates if (c["expert"], c["iteration"]) == (expert, iteration))
        assert segments_text(detail["programs"][0]["code"]) == winner["code"]
        # a response is quoted for each expert's chosen iteration (the calls table exists)
        for x in detail["experts"]:
            for it in x["iterations"]:
                if it["iteration"] == x["chosen"]:
                    assert (
                        it["response"] is not None and segments_text(it["code"]) in it["response"]
                    )
    conn.close()


def test_table_lines_agree_with_the_journal(run_dir: Path) -> None:
    source = read_run(run_dir)
    for order, task in enumerate(source.tasks, start=1):
        line = task_line(order, task)
        assert task.correct is not None
        expected = "solved" if all(task.correct) else "partial" if any(task.correct) else "failed"
        assert line.status == expected
        assert line.agreeing == task.vote[0].size
        assert line.experts == 3
        assert line.usage == task.usage


def test_the_journal_is_read_never_written(run_dir: Path) -> None:
    journal = run_dir / "journal.sqlite"
    before = hashlib.sha256(journal.read_bytes()).hexdigest()
    build_report(run_dir)
    assert hashlib.sha256(journal.read_bytes()).hexdigest() == before


def test_the_report_is_reproducible_and_offline(run_dir: Path) -> None:
    html = build_report(run_dir)
    assert build_report(run_dir) == html
    # no resource is fetched: the only URLs are the SVG namespace and the empty icon
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert re.findall(r"\b(?:src|href)=\"([^\"]*)\"", html) == ["data:,"]
    assert "@import" not in html and "url(" not in html


def test_model_output_and_names_stay_text(tmp_path: Path, tasks: tuple[Task, ...]) -> None:
    evil_tasks = [renamed(tasks[0], '<img src=x onerror="alert(3)">'), tasks[1]]
    spec = RunSpec(
        experts=2,
        iterations=2,
        with_calls=True,
        model=f"m{HOSTILE}",
        program=lambda task_id, e, i: f"s = '{HOSTILE}'\n# {HOSTILE}\ndef transform(g): return g\n",
    )
    run_dir = make_run(tmp_path / "evil", evil_tasks, spec)
    html = build_report(run_dir)
    page = read_report(html)
    # only the page's own scripts: run data, one blob per task, the code
    assert len(page.scripts) == 2 + len(evil_tasks)
    assert page.scripts[-1].attrs == {}
    assert "alert(" not in page.scripts[-1].text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<!-- " not in html
    # ... and the text itself survives intact for the page to show
    assert page.run["tasks"][0]["id"] == evil_tasks[0].id
    detail = page.details[0]
    assert HOSTILE in segments_text(detail["programs"][0]["code"])
    assert detail["experts"][0]["model"] == spec.model
    assert any(HOSTILE in (it["response"] or "") for it in detail["experts"][0]["iterations"])
    assert escape(spec.model) in html  # the config, shown as text


@pytest.mark.parametrize(
    "text", ["</script>", "<!--", "</SCRIPT >", "a&b", "\u2028\u2029", "'\"\\", HOSTILE, ""]
)
def test_script_json_is_inert_and_lossless(text: str) -> None:
    encoded = script_json({"k": [text, {"nested": text}]})
    assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(encoded) == {"k": [text, {"nested": text}]}


def test_a_run_without_summary_or_calls_table(tmp_path: Path, tasks: tuple[Task, ...]) -> None:
    spec = RunSpec(experts=2, iterations=2, with_summary=False, with_calls=False)
    run_dir = make_run(tmp_path / "bare", tasks[:3], spec)
    html = build_report(run_dir)
    page = read_report(html)
    assert all(
        it["response"] is None for d in page.details for x in d["experts"] for it in x["iterations"]
    )
    total = sum(t.usage.cost_usd for t in read_run(run_dir).tasks)
    assert f'<div class="value">{money(total)}</div>' in html
    assert "3 / 3" in html  # tasks finished, counted from the journal
    assert re.search(r"started \d{4}-\d\d-\d\d \d\d:\d\d UTC", html)


def test_an_unscored_run(tmp_path: Path, tasks: tuple[Task, ...]) -> None:
    blind = [t.without_solutions() for t in tasks[:2]]
    run_dir = make_run(tmp_path / "blind", blind, RunSpec(experts=2, iterations=1))
    html = build_report(run_dir)
    page = read_report(html)
    assert {t["status"] for t in page.run["tasks"]} == {"unscored"}
    assert all(t["expected"] is None for d in page.details for t in d["test"])
    assert all(g["correct"] is None for d in page.details for g in d["vote"])
    assert "nothing to score" in html


def test_a_folder_without_journal_is_refused_and_left_alone(tmp_path: Path) -> None:
    with pytest.raises(RunDirectoryError, match=r"no journal\.sqlite"):
        write_report(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_out_writes_elsewhere(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "r.html"
    assert write_report(run_dir, out=out) == out
    assert read_report(out.read_text(encoding="utf-8")).run["tasks"]


def test_an_empty_run_still_reports(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path / "empty", [], RunSpec())
    html = build_report(run_dir)
    assert "No task has finished yet." in html
    assert read_report(html).details == []


def _text(code: list[object]) -> str:
    return "".join(seg if isinstance(seg, str) else str(seg[1]) for seg in code)  # type: ignore[index]


def test_a_big_report_leaves_out_grids_then_programs_of_unchosen_iterations(
    run_dir: Path,
) -> None:
    full = read_report(build_report(run_dir))
    html = build_report(run_dir, max_bytes=1)
    lean = read_report(html)
    assert "leave out the output grids (and, if need be, the programs)" in html
    for a, b in zip(full.details, lean.details, strict=True):
        assert a["test"] == b["test"] and a["vote"] == b["vote"] and a["programs"] == b["programs"]
        for xa, xb in zip(a["experts"], b["experts"], strict=True):
            for ia, ib in zip(xa["iterations"], xb["iterations"], strict=True):
                assert ia["feedback"] == ib["feedback"]
                if ia["iteration"] == xa["chosen"]:
                    assert ib == ia
                else:
                    assert ib["train"] == ib["test"] == [] and ib["grids_left_out"] is True
                    if ia["code"]:
                        assert ib["code"] is None and ib["code_left_out"] is True


def test_plain_programs_keep_their_text(run_dir: Path) -> None:
    details = read_report(build_report(run_dir)).details
    for d in details:
        plain = without_unchosen_colouring(d)
        for xa, xb in zip(d["experts"], plain["experts"], strict=True):
            for ia, ib in zip(xa["iterations"], xb["iterations"], strict=True):
                if ia["code"]:
                    assert _text(ib["code"]) == _text(ia["code"])


def test_a_journal_without_run_tables_is_a_journal_error(tmp_path: Path) -> None:
    conn = connect(tmp_path / "journal.sqlite")  # a journal the runs layer never wrote to
    conn.close()
    with pytest.raises(JournalError, match="cannot read the run tables"):
        build_report(tmp_path)


def test_the_policy_allows_exactly_the_page_script(run_dir: Path) -> None:
    html = build_report(run_dir)
    page = read_report(html)
    digest = base64.b64encode(hashlib.sha256(page.scripts[-1].text.encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy is not None
    assert f"script-src 'sha256-{digest}'" in policy.group(1)
    assert "default-src 'none'" in policy.group(1)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("update task_results set result = 'nope'", "is not JSON"),
        ("update task_results set result = '[1]'", "is not a JSON object"),
        (
            "update task_results set result = json_set(result, '$.vote[0].rank', 'first')",
            "does not match schema version 3: vote.0.rank: Input should be a valid integer",
        ),
        (
            "update task_results set result = json_remove(result, '$.experts[0].chosen')",
            "does not match schema version 3: experts.0.chosen: Field required",
        ),
        (
            "update task_results set result = json_set(result, '$.version', 4)",
            "version 4 is newer than this arcloop reads (3); upgrade arcloop",
        ),
        (
            "update task_results set result = json_remove(result, '$.version', '$.experts')",
            "stored result version 1 is malformed (KeyError('experts'))",
        ),
    ],
    ids=["not-json", "not-object", "wrong-type", "missing-field", "newer", "broken-v1"],
)
def test_a_stored_result_off_the_schema_is_an_error_naming_the_run(
    tmp_path: Path, tasks: tuple[Task, ...], change: str, says: str
) -> None:
    run_dir = make_run(tmp_path / "odd", tasks[:1], RunSpec(experts=1, iterations=1))
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        conn.execute(change)
    with pytest.raises(JournalError) as raised:
        write_report(run_dir)
    assert str(raised.value).startswith(f"{run_dir}: ")
    assert says in str(raised.value)
    assert not (run_dir / REPORT).exists()


def test_a_summary_off_the_schema_is_an_error_naming_the_run(
    tmp_path: Path, tasks: tuple[Task, ...]
) -> None:
    run_dir = make_run(tmp_path / "odd", tasks[:1], RunSpec(experts=1, iterations=1))
    summary = json.loads((run_dir / "summary.json").read_text())
    summary["tasks"] = "one"
    (run_dir / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(JournalError, match=r"summary\.json does not match schema version 4: tasks"):
        write_report(run_dir)
    (run_dir / "summary.json").write_text("{")
    with pytest.raises(
        JournalError, match=rf"^{re.escape(str(run_dir))}: summary\.json is unreadable"
    ):
        write_report(run_dir)


def test_model_stats_add_up_to_the_run(tmp_path: Path, tasks: tuple[Task, ...]) -> None:
    run_dir = make_run(tmp_path / "m", tasks[:4], RunSpec(experts=3, iterations=2, seed=2))
    source = read_run(run_dir)
    (stats,) = expert_stats(source.tasks)
    assert stats.model == "openai/fake-model"
    assert stats.experts == 3 * 4
    assert stats.usage.cost_usd == pytest.approx(sum(t.usage.cost_usd for t in source.tasks))
    assert stats.iterations == sum(task_line(1, t).iterations for t in source.tasks)
    assert stats.won == sum(t.vote[0].size for t in source.tasks)
    right = 0
    for t in source.tasks:
        expected = [p.output for p in t.task.test]
        right += sum(g.size for g in t.vote if g.outputs == expected)
    assert stats.right == right
    html = build_report(run_dir)
    assert "Offered the right outputs" in html and "openai/fake-model" in html
