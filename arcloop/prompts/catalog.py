"""The built-in templates, loading a template by name or path, and choosing a variant per model.

Built-in templates live as ``.txt`` files in ``arcloop/prompts/templates/`` (shipped in the
package). There are two kinds:

- **solver** templates (``solver-1`` step-by-step analysis, ``solver-2`` hypothesis testing,
  ``solver-3`` concise code) with exactly the placeholders ``SOLVER_FIELDS``;
- the templates that show earlier programs: ``previous`` (``{{solutions}}``) wraps a list of
  ``feedback`` entries (``FEEDBACK_FIELDS``: one earlier program, its feedback and its score).

An expert's ``prompt`` setting is a built-in name or a path to a text file; a path is anything
that contains a path separator or ends in ``.txt``.

Not here: the text of a task (``task_text``) or of a program's feedback (``arcloop.solver``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from arcloop._io import read_text
from arcloop.errors import ConfigError
from arcloop.prompts.render import Template

SOLVER_FIELDS = frozenset({"grid_notation", "train_examples", "test_inputs"})
PREVIOUS_FIELDS = frozenset({"solutions"})
FEEDBACK_FIELDS = frozenset({"number", "score", "code", "feedback"})

DEFAULT_SOLVER_PROMPT = "solver-1"
SOLVER_VARIANTS: tuple[str, ...] = ("solver-1", "solver-2", "solver-3")


def builtin_names() -> list[str]:
    """Names of every built-in template, sorted."""
    folder = resources.files("arcloop.prompts").joinpath("templates")
    return sorted(
        entry.name.removesuffix(".txt") for entry in folder.iterdir() if entry.name.endswith(".txt")
    )


def is_path(spec: str) -> bool:
    """True when a ``prompt`` setting names a file rather than a built-in template."""
    return "/" in spec or "\\" in spec or spec.endswith(".txt")


@cache
def _builtin(name: str) -> Template:
    entry = resources.files("arcloop.prompts").joinpath("templates", f"{name}.txt")
    if not entry.is_file():
        known = ", ".join(builtin_names())
        raise ConfigError(f"unknown prompt template {name!r} (built-in: {known})")
    return Template(name, entry.read_text(encoding="utf-8"))


def load_template(spec: str) -> Template:
    """A built-in template by name, or a template file by path.

    Raises:
        ConfigError: the name is unknown or the file cannot be read.
    """
    if not is_path(spec):
        return _builtin(spec)
    path = Path(spec).expanduser()
    return Template(str(path), read_text(path, error=ConfigError))


def load_solver_template(spec: str) -> Template:
    """``load_template`` checked to have exactly the solver placeholders.

    Raises:
        ConfigError: unknown name, unreadable file, or wrong placeholders.
    """
    template = load_template(spec)
    template.check_fields(SOLVER_FIELDS)
    return template


def choose_prompt(
    model: str, *, explicit: str | None, by_model: Mapping[str, str], default: str
) -> str:
    """Which solver template an expert uses.

    The expert's own setting wins; then an exact model name in ``by_model``; then the first
    glob in ``by_model`` (in its order) that matches the model; then ``default``.

    >>> choose_prompt("openai/gpt-5", explicit=None, by_model={"openai/*": "solver-3"},
    ...               default="solver-1")
    'solver-3'
    """
    if explicit is not None:
        return explicit
    if model in by_model:
        return by_model[model]
    for pattern, variant in by_model.items():
        if fnmatch.fnmatchcase(model, pattern):
            return variant
    return default
