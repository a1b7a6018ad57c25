"""The runs under a folder, one line each: ``list_runs(Path("runs"))``.

A run directory is a folder holding ``journal.sqlite``; the folder given is listed, one level
deep (it may itself be a run directory). Each line says what the run is (dataset and content
hash, experts and their models and prompts) and how far it got (status, tasks finished, both
scores, cost, time)::

    name                      status    dataset               tasks   per task  cost
    eval-20261201-101500-r1   finished  arc-agi-1/evaluation  20/20   0.350     $0.42

It reads what is cheap to read: the run's row and the totals of its finished tasks from the
journal, ``summary.json`` and ``config.toml`` (both through their typed schemas), so a folder
of many big runs lists quickly. The scores are ``summary.json``'s, written at the end of every
leg of a run: a run in progress shows its last leg's, or none.

Not here: printing (the CLI) or the per-task records (``source``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arcloop.errors import ArcloopError, RunDirectoryError
from arcloop.llm.journal import calls_cost
from arcloop.runs.breakdown import count_labels, expert_label
from arcloop.runs.config import resolve
from arcloop.runs.journal import finished_count, load_run
from arcloop.runs.source import is_run_dir, open_journal
from arcloop.runs.summary import read_summary


@dataclass(frozen=True, slots=True)
class RunLine:
    """One run directory, as ``arcloop runs`` lists it.

    Attributes:
        name: the folder's name.
        path: the folder.
        status: how its last leg ended (``running`` while one is going, or after a crash).
        dataset, dataset_hash: the data it runs on.
        experts: ``model (prompt)`` per kind of expert, counted (``2× openai/x (solver-1)``).
        tasks_done: finished tasks (from the journal: current even while it runs).
        tasks: the tasks of the run (None before its first summary).
        score_per_task, score_per_output: from the last summary (None when unknown).
        cost_usd: dollars spent on every journaled call (current even while it runs).
        elapsed_s: the last leg's wall-clock time (None before a summary).
        error: why the run could not be read (the other fields are then empty).
    """

    name: str
    path: str
    status: str
    dataset: str = ""
    dataset_hash: str = ""
    experts: tuple[str, ...] = ()
    tasks_done: int = 0
    tasks: int | None = None
    score_per_task: float | None = None
    score_per_output: float | None = None
    cost_usd: float = 0.0
    elapsed_s: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The line as JSON-ready values."""
        return {
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "dataset": self.dataset,
            "dataset_hash": self.dataset_hash,
            "experts": list(self.experts),
            "tasks_done": self.tasks_done,
            "tasks": self.tasks,
            "score_per_task": self.score_per_task,
            "score_per_output": self.score_per_output,
            "cost_usd": self.cost_usd,
            "elapsed_s": self.elapsed_s,
            "error": self.error,
        }


def list_runs(folder: Path) -> list[RunLine]:
    """The run directories in ``folder`` (and ``folder`` itself if it is one), by name.

    A run that cannot be read is listed with its ``error`` rather than stopping the list.

    Raises:
        RunDirectoryError: ``folder`` is not a directory.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RunDirectoryError(f"{folder}: no such directory")
    found = [folder] if is_run_dir(folder) else []
    found += sorted((p for p in folder.iterdir() if p.is_dir() and is_run_dir(p)), key=_name)
    return [_line(p) for p in found]


def _name(path: Path) -> str:
    return path.name


def _line(path: Path) -> RunLine:
    name = path.resolve().name
    try:
        conn = open_journal(path)
        try:
            run = load_run(conn)
            done = finished_count(conn) if run is not None else 0
            cost = calls_cost(conn)
        finally:
            conn.close()
        if run is None:
            return RunLine(name, str(path), "empty")
        summary = read_summary(path)
    except (ArcloopError, sqlite3.DatabaseError) as e:
        return RunLine(name, str(path), "unreadable", error=str(e))
    return RunLine(
        name=name,
        path=str(path),
        status=run.status,
        dataset=run.dataset,
        dataset_hash=run.dataset_hash,
        experts=_experts(run.config_toml),
        tasks_done=done,
        tasks=summary.tasks if summary else None,
        score_per_task=summary.score_per_task if summary else None,
        score_per_output=summary.score_per_output if summary else None,
        cost_usd=cost,
        elapsed_s=summary.elapsed_s if summary else None,
    )


def _experts(config_toml: str) -> tuple[str, ...]:
    """The run's kinds of experts, from its stored config (``?`` if it no longer validates)."""
    try:
        solver = resolve(stored=config_toml).solver
    except ArcloopError:
        return ("?",)
    labels = []
    for entry in solver.experts:
        prompt = "" if entry.is_search else solver.prompt_for(entry)
        labels += [expert_label(entry.model, prompt)] * entry.count
    return count_labels(labels)
