from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from rich.console import Console

from arcloop.cli.progress import LiveView, PlainView, make_view
from arcloop.cli.session import RunRequest, default_run_dir, prepare_repeats
from arcloop.llm.types import Usage
from arcloop.runs.config import Overrides, resolve
from arcloop.runs.progress import RunState
from arcloop.runs.record import TaskGrids, TaskRecord


def test_default_run_dirs_are_named_after_the_dataset_and_never_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    now = datetime(2026, 11, 25, 12, 0, 1)
    config = resolve()
    first = default_run_dir(config, now=now)
    assert first == Path("runs/arc-agi-1-evaluation-20261125-120001")
    first.mkdir(parents=True)
    assert default_run_dir(config, now=now) == Path("runs/arc-agi-1-evaluation-20261125-120001-2")
    tasks = resolve(overrides=Overrides(dataset=str(tmp_path / "my tasks.json")))
    assert default_run_dir(tasks, now=now).name == "my-tasks-20261125-120001"


def test_repeats_go_to_sibling_dirs_with_seeds_past_the_earlier_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "two.toml"
    config.write_text(
        '[[experts]]\nmodel = "local/search"\ncount = 2\n'
        '[[experts]]\nmodel = "local/search"\nseed = 10\n'
    )
    planned = prepare_repeats(RunRequest(files=[config], repeat=3))
    dirs = [p.run_dir for p in planned]
    assert dirs[0].parent == Path("runs") and dirs[0].name.startswith("arc-agi-1-evaluation-")
    assert [d.name for d in dirs] == [dirs[0].name[:-3] + f"-r{k}" for k in (1, 2, 3)]
    seeds = [[e.seed for e in p.config.solver.experts] for p in planned]
    # experts 0, 1, 2 have seeds 0, 1 and 10 + 2: one repeat spans 13 seeds
    assert seeds == [[0, 10], [13, 23], [26, 36]]
    assert not any(p.resuming for p in planned)


def _finished(task_id: str, score: float | None, cost: float, calls: int, s: float) -> TaskRecord:
    return TaskRecord(
        task_id=task_id,
        task=TaskGrids(train=[], test=[]),
        attempts=[],
        correct=None if score is None else [score == 1.0],
        score=score,
        usage=Usage(cost_usd=cost),
        calls=calls,
        replayed_calls=0,
        seconds=s,
        started_utc="",
        finished_utc="",
        experts=[],
        vote=[],
    )


def _state() -> RunState:
    ticks = iter([0.0, 30.0, 30.0, 30.0, 30.0])
    return RunState(total=4, budget_usd=2.0, started=0.0, clock=lambda: next(ticks, 30.0))


@pytest.mark.parametrize("width", [200, 40])  # a pipe's console is 80 wide: never wrapped
def test_plain_view_prints_a_line_per_finished_task(width: int) -> None:
    out = io.StringIO()
    state = _state()
    view = make_view(state, Console(file=out, width=width), quiet=False)
    assert isinstance(view, PlainView)
    with view:
        state.done, state.scored, state.solved = 1, 1, 1.0
        view.task_finished(_finished("abc", 1.0, 0.25, 3, 12.5))
    assert (
        out.getvalue() == "[1/4] abc score 1.00 $0.2500 3 calls 12.5s | solved 1/1 spent $0.0000\n"
    )


def test_live_view_shows_spend_against_budget_and_eta() -> None:
    out = io.StringIO()
    state = _state()
    console = Console(file=out, width=120, force_terminal=True, color_system=None)
    view = make_view(state, console, quiet=False)
    assert isinstance(view, LiveView)
    state.done = 2
    text = io.StringIO()
    Console(file=text, width=120, color_system=None).print(view.render())
    shown = text.getvalue()
    assert "tasks 2/4" in shown and "of $2.00" in shown and "eta 0:00:30" in shown


def test_quiet_shows_nothing() -> None:
    out = io.StringIO()
    with make_view(_state(), Console(file=out), quiet=True) as view:
        view.task_finished(_finished("abc", None, 0.0, 0, 1.0))
    assert out.getvalue() == ""
