"""Export a run to other tools' formats.

``benchmarking``: the layout of the ARC Prize benchmarking harness — one ``<task id>.json``
per task holding, per test input, ``attempt_1`` and ``attempt_2`` objects with ``answer``,
``correct`` and ``metadata`` (model, provider, timestamps, ``usage`` and ``cost``). That
harness sums cost over every attempt, so a task's tokens and dollars are spread evenly over its
attempts: the totals it computes equal arcloop's.

Files land inside ``--out`` only: a task id becomes a file name by a reversible escape
(``safe_file_name``), and ``.arcloop-export.json`` lists what arcloop wrote there, so a folder
holding anything else is refused unless ``force``, which then replaces only arcloop's files.

Not here: reading the harness's files back (arcloop's own journal is the record).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from arcloop._io import write_json_atomic
from arcloop._sqlite import connect
from arcloop.arc.grid import PLACEHOLDER
from arcloop.errors import ConfigError, JournalError, RunDirectoryError
from arcloop.runs.journal import finished_tasks, load_run
from arcloop.runs.record import TaskRecord
from arcloop.runs.rundir import JOURNAL

FORMATS = ("benchmarking",)
MANIFEST = ".arcloop-export.json"
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_MAX_NAME = 200


def safe_file_name(task_id: str) -> str:
    """The file name of a task's export: the id itself when it is plain, else percent-escaped
    (reversible: ``urllib.parse.unquote``), with a hash suffix when that would be too long.

    >>> safe_file_name("007bbfb7")
    '007bbfb7.json'
    >>> safe_file_name("../../x")
    '..%2F..%2Fx.json'
    >>> len(safe_file_name("a" * 300)) <= 205
    True
    """
    if _PLAIN_ID.fullmatch(task_id):
        return f"{task_id}.json"
    name = quote(task_id, safe="")
    if len(name) > _MAX_NAME:
        digest = hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = f"{name[: _MAX_NAME - 17]}-{digest}"
    if name in (".", ".."):
        name = quote(name, safe="").replace(".", "%2E")
    return f"{name}.json"


class ExportManifest(BaseModel):
    """What one export wrote into its folder (``.arcloop-export.json``), version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    run_dir: str
    dataset_hash: str
    format: str
    files: list[str]


def _read_manifest(out_dir: Path) -> ExportManifest | None:
    path = out_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        return ExportManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError):
        return None  # not one of ours: it is the user's file like any other


def _prepare_out(out_dir: Path, *, run_dir: Path, dataset_hash: str, force: bool) -> None:
    """Make ``out_dir`` ready: new or empty, or an export of this run (its files are replaced),
    or anything else with ``force`` (arcloop's own files only are removed)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise RunDirectoryError(f"{out_dir}: is a file, not a folder to export into")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RunDirectoryError(f"{out_dir}: cannot be created: {e.strerror or e}") from e
    manifest = _read_manifest(out_dir)
    ours = set(manifest.files) | {MANIFEST} if manifest is not None else set()
    others = sorted(p.name for p in out_dir.iterdir() if p.name not in ours)
    same_run = manifest is not None and (manifest.run_dir, manifest.dataset_hash) == (
        str(run_dir.absolute()),
        dataset_hash,
    )
    if others and not force:
        raise RunDirectoryError(
            f"{out_dir}: holds files arcloop did not write ({', '.join(others[:3])}); export"
            " into a new or empty folder, or pass --force (which replaces only arcloop's files)"
        )
    if manifest is not None and not same_run and not force:
        raise RunDirectoryError(
            f"{out_dir}: holds the export of another run ({manifest.run_dir}); pass --force to"
            " replace it"
        )
    for name in sorted(ours):
        (out_dir / name).unlink(missing_ok=True)


def _provider(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else model


def _winning_models(task: TaskRecord) -> list[str]:
    experts = {e.expert: e.model for e in task.experts}
    if task.vote:
        models = sorted({experts[m] for m, _ in task.vote[0].members if m in experts})
        if models:
            return models
    return sorted(set(experts.values())) or ["none"]


def _attempt_metadata(task: TaskRecord, *, pair_index: int, share: int) -> dict[str, Any]:
    models = _winning_models(task)
    u = task.usage
    prompt = u.prompt_tokens / share
    completion = u.completion_tokens / share
    cost = u.cost_usd / share
    return {
        "model": "+".join(models),
        "provider": "+".join(sorted({_provider(m) for m in models})),
        "start_timestamp": task.started_utc,
        "end_timestamp": task.finished_utc,
        "choices": [],
        "kwargs": {},
        "usage": {
            "prompt_tokens": round(prompt),
            "completion_tokens": round(completion),
            "total_tokens": round(prompt + completion),
            "completion_tokens_details": {
                "reasoning_tokens": round(u.reasoning_tokens / share),
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "cost": {
            "prompt_cost": 0.0,
            "completion_cost": cost,
            "reasoning_cost": None,
            "total_cost": cost,
        },
        "task_id": task.task_id,
        "pair_index": pair_index,
        "test_id": None,
    }


def benchmarking_entries(task: TaskRecord) -> list[dict[str, Any]]:
    """One task in the benchmarking harness's shape (a list, one entry per test input)."""
    share = max(1, 2 * len(task.attempts))
    entries = []
    for i, grids in enumerate(task.attempts):
        expected = task.task.test[i].output if i < len(task.task.test) else None
        entry = {}
        for k in range(2):
            answer = grids[k] if k < len(grids) else [list(r) for r in PLACEHOLDER]
            known = task.correct is not None and k < len(grids) and expected is not None
            entry[f"attempt_{k + 1}"] = {
                "answer": answer,
                "correct": expected == answer if known else None,
                "metadata": _attempt_metadata(task, pair_index=i, share=share),
            }
        entries.append(entry)
    return entries


def export_run(run_dir: str | Path, *, fmt: str, out: str | Path, force: bool = False) -> int:
    """Write the finished tasks of the run in ``run_dir`` to ``out`` in format ``fmt``.

    Returns:
        The number of task files written.

    Raises:
        ConfigError: unknown format, or ``run_dir`` holds no run.
        RunDirectoryError: ``out`` holds files arcloop did not write (without ``force``).
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    journal = Path(run_dir) / JOURNAL
    if not journal.is_file():
        raise ConfigError(f"{run_dir}: no run here (no {JOURNAL})")
    conn = connect(journal)
    try:
        run = load_run(conn)
        if run is None:
            raise ConfigError(f"{run_dir}: the journal holds no run")
        tasks = list(finished_tasks(conn))
    except sqlite3.DatabaseError as e:
        raise JournalError(f"{journal}: {e}") from e
    finally:
        conn.close()
    out_dir = Path(out)
    _prepare_out(out_dir, run_dir=Path(run_dir), dataset_hash=run.dataset_hash, force=force)
    names = [safe_file_name(task.task_id) for task in tasks]
    manifest = ExportManifest(
        run_dir=str(Path(run_dir).absolute()),
        dataset_hash=run.dataset_hash,
        format=fmt,
        files=names,
    )
    write_json_atomic(out_dir / MANIFEST, manifest.model_dump(), indent=1)  # first: lists them
    for task, name in zip(tasks, names, strict=True):
        write_json_atomic(out_dir / name, benchmarking_entries(task))
    return len(tasks)
