"""The package's import structure: layers import downward only, and no module imports itself
back, not even through a lazy import inside a function or ``importlib.import_module``.

::

    arcloop (the public API) ──> cli ──> report ──> runs ──> solver
        ──> llm, sandbox, prompts, search ──> arc, presets, _forkserver_preload
        ──> _aio, _io, _sqlite, _process, _version ──> errors

A package may import its own modules and those of any lower layer; the four packages the
solver uses do not import one another, and ``llm`` (generic, knows nothing of ARC) imports
only the shared bottom. The graph is read from the source with ``ast``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "arcloop"

LAYER = {
    "errors": 0,
    "_version": 1,
    "_aio": 1,
    "_io": 1,
    "_sqlite": 1,
    "_process": 1,
    "_forkserver_preload": 2,
    "arc": 2,
    "presets": 2,
    "llm": 3,
    "sandbox": 3,
    "prompts": 3,
    "search": 3,
    "solver": 4,
    "runs": 5,
    "report": 6,
    "cli": 7,
    "arcloop": 8,
}
ONLY = {"llm": {"_version", "_aio", "_io", "_sqlite", "errors"}}
"""Packages held to a narrower set than their layer allows."""


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every arcloop module ``module`` imports, wherever the import statement sits."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        for name in names:
            known = _known(name) if name.startswith("arcloop") else None
            if known is not None and known != module:
                yield known


GRAPH = {module: set(_imported(module, path)) for module, path in MODULES.items()}


def _layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "arcloop"


def test_every_module_has_a_layer() -> None:
    assert {_layer_of(m) for m in MODULES} <= set(LAYER)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_package_and_lower_layers(module: str) -> None:
    mine = _layer_of(module)
    wrong = sorted(
        target
        for target in GRAPH[module]
        if _layer_of(target) != mine
        and (
            LAYER[_layer_of(target)] >= LAYER[mine]
            or (mine in ONLY and _layer_of(target) not in ONLY[mine])
        )
    )
    assert wrong == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    circles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            circles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(GRAPH[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(MODULES):
        visit(module, [])
    assert circles == []


def test_nothing_outside_the_ray_subpackage_imports_it() -> None:
    outside = {
        module: sorted(t for t in targets if t.startswith("arcloop.runs.ray"))
        for module, targets in GRAPH.items()
        if not module.startswith("arcloop.runs.ray")
    }
    assert {m: t for m, t in outside.items() if t} == {}
