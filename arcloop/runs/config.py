"""The whole run configuration: presets, TOML files and command-line options, resolved.

One TOML document configures a run; each layer validates its own tables::

    [run]        dataset, solutions, tasks, limit, concurrency, budget_usd, executor, ...
    [models."<name or glob>"]   the LLM layer (arcloop.llm.registry)
    [[experts]]  and [solver]   the solver (arcloop.solver.config)
    [sandbox]                   the sandbox (arcloop.sandbox)

Precedence, lowest first: the defaults (the offline expert on ``arc-agi-1/evaluation``), a
``--preset``, each ``--config`` file in order, then command-line options. Tables merge key by
key; arrays (``experts``, ``tasks``) are replaced whole. The merged document is validated and
written to the run directory as ``config.toml``; a resumed run starts from that file, and an
option that would change it is an error rather than a silent change.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arcloop._io import read_text
from arcloop.arc.dataset import BUNDLED, DEFAULT_DATASET
from arcloop.errors import ConfigError, ResumeConflictError
from arcloop.llm.outage import FIRST_CONTACT_LIMIT_S, OUTAGE_LIMIT_S
from arcloop.llm.registry import ModelSpec, parse_models_table
from arcloop.presets import load_preset
from arcloop.prompts.catalog import is_path
from arcloop.sandbox.config import SandboxConfig
from arcloop.solver.config import SEARCH_MODEL, SolverConfig

_M = TypeVar("_M", bound=BaseModel)
TOP_LEVEL = ("run", "models", "experts", "solver", "sandbox")


class RunSettings(BaseModel):
    """The ``[run]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str = DEFAULT_DATASET
    solutions: str | None = None
    tasks: tuple[str, ...] | None = None
    limit: int | None = Field(default=None, ge=1)
    concurrency: int = Field(default=4, ge=1)
    budget_usd: float | None = Field(default=None, ge=0)
    task_budget_usd: float | None = Field(default=None, ge=0)
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    ray_workers: int | None = Field(default=None, ge=1)
    outage_limit_s: float = Field(default=OUTAGE_LIMIT_S, gt=0)
    unreachable_limit_s: float = Field(default=FIRST_CONTACT_LIMIT_S, gt=0)
    deadline_s: float | None = Field(default=None, gt=0)


DEFAULTS: dict[str, Any] = {
    "run": {"dataset": DEFAULT_DATASET},
    "experts": [{"model": SEARCH_MODEL}],
}


@dataclass(frozen=True)
class RunConfig:
    """A validated configuration: the document as written, and each layer's view of it."""

    document: dict[str, Any]
    run: RunSettings
    solver: SolverConfig
    models: dict[str, ModelSpec]
    sandbox: SandboxConfig

    def to_toml(self) -> str:
        return tomli_w.dumps(self.document)


@dataclass(frozen=True)
class Overrides:
    """Command-line options that change the configuration (None = not given)."""

    dataset: str | None = None
    solutions: str | None = None
    tasks: Sequence[str] | None = None
    limit: int | None = None
    model: str | None = None
    api_base: str | None = None
    price: tuple[float, float, float | None] | None = None
    experts: int | None = None
    iterations: int | None = None
    concurrency: int | None = None
    budget_usd: float | None = None
    deadline_s: float | None = None
    executor: str | None = None
    ray_address: str | None = None
    ray_workers: int | None = None
    unsafe_sandbox: bool | None = None


RESUMABLE_CHANGES = frozenset(
    {
        "run.executor",
        "run.ray_address",
        "run.ray_workers",
        "run.concurrency",
        "run.budget_usd",
        "sandbox.allow_unsafe",
        "run.outage_limit_s",
        "run.unreachable_limit_s",
        "run.deadline_s",
    }
)
"""Keys a resumed run may change: where and how fast it runs, how much it may spend and how
long it may take, and
whether the root user allows the sandbox's fallback. Everything else decides what the run
computes, and changing it is an error."""


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key (recursively); anything else in ``over`` replaces ``base``.

    >>> merge({"run": {"limit": 5, "dataset": "a"}, "experts": [1]},
    ...       {"run": {"limit": 2}, "experts": [2]})
    {'run': {'limit': 2, 'dataset': 'a'}, 'experts': [2]}
    """
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML config file (a regular UTF-8 file within the input size limit).

    Raises:
        ConfigError: unreadable or not TOML, naming the file (and the line, from tomllib).
    """
    text = read_text(path, error=ConfigError)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    except RecursionError as e:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from e
    except ValueError as e:  # an integer too long to convert
        raise ConfigError(f"{path}: not valid TOML: {e}") from e


def _apply_overrides(doc: dict[str, Any], o: Overrides) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    run = doc.setdefault("run", {})
    for key in (
        "dataset",
        "solutions",
        "limit",
        "concurrency",
        "budget_usd",
        "deadline_s",
        "executor",
    ):
        value = getattr(o, key)
        if value is not None:
            run[key] = value
    for key in ("ray_address", "ray_workers"):
        value = getattr(o, key)
        if value is not None:
            run[key] = value
    if o.tasks is not None:
        run["tasks"] = list(o.tasks)
    if o.unsafe_sandbox:
        doc.setdefault("sandbox", {})["allow_unsafe"] = True
    experts = doc.setdefault("experts", [])
    if o.model is not None and not experts:
        experts.append({})
    # --model and --experts change the model entries; the offline search of a mixed ensemble
    # (lean-c) stays as it is
    paid = [e for e in experts if e.get("model") != SEARCH_MODEL] or experts
    if o.model is not None:
        for entry in paid:
            entry["model"] = o.model
    for flag, key, value in (("--api-base", "api_base", o.api_base), ("--price", "price", o.price)):
        if value is None:
            continue
        models = {e.get("model") for e in paid}
        if len(models) != 1 or None in models:
            raise ConfigError(f"{flag} needs exactly one model: give --model too")
        name = str(next(iter(models)))
        if isinstance(value, tuple):
            price: dict[str, float] = {"input": value[0], "output": value[1]}
            if value[2] is not None:
                price["cached_input"] = value[2]
            doc.setdefault("models", {}).setdefault(name, {})[key] = price
        else:
            doc.setdefault("models", {}).setdefault(name, {})[key] = value
    if o.experts is not None:
        if len(paid) != 1:
            raise ConfigError(
                f"--experts sets the count of a single [[experts]] entry; the config has"
                f" {len(paid)}: set count in each entry instead"
            )
        paid[0]["count"] = o.experts
    if o.iterations is not None:
        for entry in experts:
            entry["iterations"] = o.iterations
    return doc


def _absolute(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    path = Path(value).expanduser()
    return str(path.resolve()) if path.exists() else value


def absolute_paths(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with the files it names made absolute, so that a run resumed from another
    directory finds the same dataset, solutions and prompt files. Names that are not existing
    paths (bundled datasets, built-in templates) are left alone.
    """
    doc = copy.deepcopy(doc)
    run = doc.get("run")
    if isinstance(run, dict):
        for key in ("dataset", "solutions"):
            if key in run and run[key] not in BUNDLED:
                run[key] = _absolute(run[key])
    for entry in doc.get("experts") or []:
        if isinstance(entry, dict) and is_path(str(entry.get("prompt", ""))):
            entry["prompt"] = _absolute(entry["prompt"])
    solver = doc.get("solver")
    if isinstance(solver, dict):
        for key in ("default_prompt",):
            if is_path(str(solver.get(key, ""))):
                solver[key] = _absolute(solver[key])
        if isinstance(solver.get("prompts"), dict):
            solver["prompts"] = {
                k: _absolute(v) if is_path(str(v)) else v for k, v in solver["prompts"].items()
            }
    return doc


def _validate(doc: dict[str, Any]) -> RunConfig:
    unknown = sorted(set(doc) - set(TOP_LEVEL))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown table (known: {', '.join(TOP_LEVEL)})")
    for key in ("run", "models", "solver", "sandbox"):
        if key in doc and not isinstance(doc[key], Mapping):
            raise ConfigError(f"{key}: must be a table")
    run = _section(RunSettings, doc, "run")
    sandbox = _section(SandboxConfig, doc, "sandbox")
    solver = SolverConfig.from_document(doc)
    models = parse_models_table(doc.get("models", {}))
    return RunConfig(document=doc, run=run, solver=solver, models=models, sandbox=sandbox)


def _section(model: type[_M], doc: Mapping[str, Any], name: str) -> _M:
    try:
        return model.model_validate(doc.get(name, {}))
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in (name, *first["loc"]))
        raise ConfigError(f"{loc}: {first['msg'].removeprefix('Value error, ')}") from e


def resolve(
    *,
    preset: str | None = None,
    files: Sequence[str | Path] = (),
    overrides: Overrides = Overrides(),
    stored: str | None = None,
) -> RunConfig:
    """Build and validate the run configuration.

    Args:
        preset: a preset name (``arcloop presets``), applied over the defaults.
        files: TOML files, later ones winning.
        overrides: command-line options, winning over everything.
        stored: the ``config.toml`` text of a run being resumed; the result must equal it.

    Raises:
        ConfigError: a file, preset or option is invalid (the message names the key path).
        ResumeConflictError: on resume, an option or file would change the stored config.
    """
    if stored is not None:
        try:
            base = tomllib.loads(stored)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"config.toml of this run is not valid TOML: {e}") from e
        doc = base
    else:
        doc = copy.deepcopy(DEFAULTS)
        if preset is not None:
            preset_doc = load_preset(preset)
            # A preset says which experts run; the default expert does not join them.
            doc = merge({k: v for k, v in doc.items() if k != "experts"}, preset_doc)
    for f in files:
        doc = merge(doc, read_toml(f))
    doc = absolute_paths(_apply_overrides(doc, overrides))
    config = _validate(doc)
    if stored is not None:
        _check_unchanged(tomllib.loads(stored), config.document, preset)
    return config


def diff_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    """The dotted key paths where two config documents differ.

    >>> diff_keys({"run": {"limit": 1, "dataset": "a"}}, {"run": {"limit": 2, "dataset": "a"}})
    ['run.limit']
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys: list[str] = []
        for k in sorted(set(a) | set(b)):
            keys += diff_keys(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return keys
    return [] if a == b else [prefix or "config"]


def _check_unchanged(stored: dict[str, Any], new: dict[str, Any], preset: str | None) -> None:
    if preset is not None:
        raise ResumeConflictError(
            "--preset applies to a new run; this run directory already has its config"
        )
    changed = [
        k
        for k in diff_keys(stored, new)
        if k not in RESUMABLE_CHANGES and not _extends(k, stored, new)
    ]
    if changed:
        raise ResumeConflictError(
            f"this run was started with a different config ({', '.join(changed[:5])} would"
            " change); resume it without those options, or start a new --run-dir"
        )


def _extends(key: str, stored: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True when a resume only adds tasks: a larger ``limit``, or ``tasks`` holding every task
    of the stored list (finished tasks are kept, none is bought again).

    >>> _extends("run.limit", {"run": {"limit": 20}}, {"run": {"limit": 40}})
    True
    >>> _extends("run.limit", {"run": {}}, {"run": {"limit": 40}})
    False
    >>> _extends("run.tasks", {"run": {"tasks": ["a"]}}, {"run": {"tasks": ["b", "a"]}})
    True
    """
    old = stored.get("run", {}).get(key.removeprefix("run."))
    now = new.get("run", {}).get(key.removeprefix("run."))
    if key == "run.limit":
        return old is not None and (now is None or now >= old)
    if key == "run.tasks":
        return old is not None and (now is None or set(old) <= set(now))
    return False


def expert_models(config: RunConfig) -> list[str]:
    """The distinct LLM models the experts call (the offline search excluded), in order."""
    seen: dict[str, None] = {}
    for entry in config.solver.experts:
        if not entry.is_search:
            seen[entry.model] = None
    return list(seen)


def _seed_span(solver: SolverConfig) -> int:
    """How many seeds one run's experts cover, from the lowest to the highest."""
    seeds: list[int] = []
    for entry in solver.experts:
        seeds += [entry.seed + len(seeds) + i for i in range(entry.count)]
    return max(seeds) - min(seeds) + 1


def _shift_seeds(doc: dict[str, Any], amount: int) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for entry in doc["experts"]:
        entry["seed"] = int(entry.get("seed", 0)) + amount
    return doc


def _check_repeat(repeat: int) -> None:
    if repeat < 1:
        raise ConfigError(f"repeat numbers start at 1, not {repeat}")


def with_repeat(config: RunConfig, repeat: int) -> RunConfig:
    """The configuration of repeat number ``repeat`` (from 1) of a run: the same run with
    every expert's seed moved past the seeds of the earlier repeats.

    Expert ``i`` has seed ``entry.seed + i``; repeat ``k`` adds ``(k - 1) * span`` to every
    entry's seed, where ``span`` covers all the seeds of one repeat, so no two repeats share an
    expert seed (and so no sample key: each repeat buys its own answers). Repeat 1 is the
    configuration unchanged.

    >>> config = resolve(overrides=Overrides(experts=2))
    >>> [e.seed for e in with_repeat(config, 3).solver.experts], with_repeat(config, 1) is config
    ([4], True)

    Raises:
        ConfigError: ``repeat`` is below 1.
    """
    _check_repeat(repeat)
    if repeat == 1:
        return config
    return _validate(_shift_seeds(config.document, (repeat - 1) * _seed_span(config.solver)))


def repeat_base(stored: str, repeat: int) -> str:
    """The stored ``config.toml`` of repeat ``repeat`` with its seed shift undone: the
    configuration as the user gave it, for checking the options of a resumed repeat
    (``resolve(stored=repeat_base(...), ...)``, then ``with_repeat``).

    Raises:
        ConfigError: the stored config is not valid, or ``repeat`` is below 1.
    """
    _check_repeat(repeat)
    config = resolve(stored=stored)
    if repeat == 1:
        return stored
    shift = (repeat - 1) * _seed_span(config.solver)
    return tomli_w.dumps(_shift_seeds(config.document, -shift))
