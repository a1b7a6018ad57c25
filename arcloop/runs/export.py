"""Export a run to other tools' formats.

``benchmarking``: the layout of the ARC Prize benchmarking harness, one ``<task id>.json``
per task (the format, and how arcloop fills it, are in ``benchmarking``): the harness's scorer
then gives the run's score, and adds its cost and tokens up to arcloop's. The tasks a provider
failed are there too, with ``null`` attempts, the harness's "no answer".

Files land inside ``--out`` only: a task id becomes a file name by a reversible escape
(``safe_file_name``), and ``.arcloop-export.manifest`` lists what arcloop wrote there, so a
folder holding anything else is refused unless ``force``, which then replaces only arcloop's
files. The manifest's name does not end in ``.json``: the harness's scorer reads every
``*.json`` of the folder (hidden ones included) as a task.

Not here: reading the harness's files back (arcloop's own journal is the record).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from arcloop._io import write_json_atomic
from arcloop._sqlite import connect
from arcloop.errors import ConfigError, JournalError, RunDirectoryError
from arcloop.llm.registry import Registry
from arcloop.llm.types import Usage
from arcloop.runs.benchmarking import CallSpan, PriceOf, task_entries
from arcloop.runs.journal import finished_tasks, load_run
from arcloop.runs.legs import provider_failures
from arcloop.runs.record import TaskRecord
from arcloop.runs.rundir import JOURNAL

FORMATS = ("benchmarking",)
MANIFEST = ".arcloop-export.manifest"
OLD_MANIFEST = ".arcloop-export.json"
"""The manifest's name up to arcloop 0.1 (which the harness's scorer took for a task)."""
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
    """What one export wrote into its folder (``.arcloop-export.manifest``), version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    run_dir: str
    dataset_hash: str
    format: str
    files: list[str]


def _read_manifest(out_dir: Path) -> tuple[str, ExportManifest] | None:
    """The manifest in ``out_dir`` and its file name (the current or the old one), if any."""
    for name in (MANIFEST, OLD_MANIFEST):
        path = out_dir / name
        if not path.is_file():
            continue
        try:
            return name, ExportManifest.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValidationError):
            continue  # not one of ours: it is the user's file like any other
    return None


def _prepare_out(out_dir: Path, *, run_dir: Path, dataset_hash: str, force: bool) -> None:
    """Make ``out_dir`` ready: new or empty, or an export of this run (its files are replaced),
    or anything else with ``force`` (arcloop's own files only are removed)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise RunDirectoryError(f"{out_dir}: is a file, not a folder to export into")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RunDirectoryError(f"{out_dir}: cannot be created: {e.strerror or e}") from e
    found = _read_manifest(out_dir)
    manifest = found[1] if found is not None else None
    ours = set(found[1].files) | {found[0]} if found is not None else set()
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


def _calls(conn: sqlite3.Connection) -> dict[int, CallSpan]:
    """The journal's calls by id: model, end, tokens, cost and duration."""
    table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls'"
    if conn.execute(table).fetchone() is None:  # a run that never called a model
        return {}
    rows = conn.execute(
        "SELECT id, model, datetime_utc, prompt_tokens, cached_tokens, completion_tokens,"
        " reasoning_tokens, cost_usd, duration_ms FROM calls"
    )
    return {
        r[0]: CallSpan(
            model=r[1],
            ended=datetime.fromisoformat(r[2]),
            usage=Usage(
                prompt_tokens=r[3],
                cached_tokens=r[4],
                completion_tokens=r[5],
                reasoning_tokens=r[6],
                cost_usd=r[7],
                latency_s=r[8] / 1000,
            ),
        )
        for r in rows
    }


def _price_of(config_toml: str) -> PriceOf:
    """A model's price in the registry the run used (built-ins and its ``[models]`` table)."""
    try:
        table = tomllib.loads(config_toml).get("models", {})
        registry = Registry.from_config(table if isinstance(table, dict) else {})
    except (tomllib.TOMLDecodeError, ConfigError):
        registry = Registry()  # the run's own table is unreadable: the built-in prices
    return lambda model: registry.resolve(model).price


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: task files, and how many of them a provider failed (no answer)."""

    files: int
    failed: int


def _provider_failed(conn: sqlite3.Connection) -> list[TaskRecord]:
    """The tasks a provider failed and no leg finished since (none in a run from before
    arcloop kept them)."""
    table = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'provider_failures'"
    if conn.execute(table).fetchone() is None:
        return []
    return [f.record for f in provider_failures(conn)]


def export_run(run_dir: str | Path, *, fmt: str, out: str | Path, force: bool = False) -> Exported:
    """Write the tasks of the run in ``run_dir`` to ``out`` in format ``fmt``: every finished
    task, and every task a provider failed (with no answer).

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
        done = {t.task_id for t in tasks}
        failed = [r for r in _provider_failed(conn) if r.task_id not in done]
        calls = _calls(conn)
    except sqlite3.DatabaseError as e:
        raise JournalError(f"{journal}: {e}") from e
    finally:
        conn.close()
    out_dir = Path(out)
    _prepare_out(out_dir, run_dir=Path(run_dir), dataset_hash=run.dataset_hash, force=force)
    todo = [(task, False) for task in tasks] + [(task, True) for task in failed]
    names = [safe_file_name(task.task_id) for task, _ in todo]
    manifest = ExportManifest(
        run_dir=str(Path(run_dir).absolute()),
        dataset_hash=run.dataset_hash,
        format=fmt,
        files=names,
    )
    write_json_atomic(out_dir / MANIFEST, manifest.model_dump(), indent=1)  # first: lists them
    price_of = _price_of(run.config_toml)
    for (task, no_answer), name in zip(todo, names, strict=True):
        entries = task_entries(task, calls=calls, price_of=price_of, failed=no_answer)
        write_json_atomic(out_dir / name, entries)
    return Exported(files=len(names), failed=len(failed))
