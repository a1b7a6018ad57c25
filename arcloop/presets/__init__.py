"""Named configurations shipped with arcloop, as TOML files a user can copy and edit.

Each preset is ``arcloop/presets/<name>.toml``: a config document in the same form as a user's
``--config`` file (``[models."..."]`` tables for the LLM layer, ``[[experts]]`` entries for the
solver). Its first comment line reads ``# <name>: <description>``.

>>> [p.name for p in list_presets()]
['lean-c', 'poetiq-a', 'poetiq-b', 'poetiq-c']
>>> load_preset("poetiq-b")["experts"][0]["count"]
2

Not here: merging a preset with other config files and flags (the runs layer).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from arcloop.errors import ConfigError


@dataclass(frozen=True, slots=True)
class PresetInfo:
    """A shipped preset.

    Attributes:
        name: e.g. ``"poetiq-a"``.
        description: the text after ``# <name>:`` on the file's first line.
        experts: how many experts it runs (the sum of its entries' ``count``).
        models: the models its experts use, in order of first use.
        text: the TOML file's text, for users to copy.
    """

    name: str
    description: str
    experts: int
    models: tuple[str, ...]
    text: str


def _files() -> dict[str, Traversable]:
    folder = resources.files("arcloop.presets")
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def preset_text(name: str) -> str:
    """The TOML text of a preset.

    Raises:
        ConfigError: no preset has that name (the message lists the known ones).
    """
    files = _files()
    if name not in files:
        known = ", ".join(sorted(files)) or "none"
        raise ConfigError(f"unknown preset {name!r} (known presets: {known})")
    return files[name].read_text(encoding="utf-8")


def load_preset(name: str) -> dict[str, Any]:
    """A preset as a config document (the parsed TOML).

    Raises:
        ConfigError: no preset has that name.
    """
    return tomllib.loads(preset_text(name))


def _describe(name: str, text: str) -> str:
    first = text.splitlines()[0] if text else ""
    prefix = f"# {name}:"
    return first[len(prefix) :].strip() if first.startswith(prefix) else ""


def list_presets() -> list[PresetInfo]:
    """Every shipped preset, sorted by name."""
    infos = []
    for name in sorted(_files()):
        text = preset_text(name)
        doc = tomllib.loads(text)
        entries = doc.get("experts", [])
        models = tuple(dict.fromkeys(str(e.get("model", "")) for e in entries))
        infos.append(
            PresetInfo(
                name=name,
                description=_describe(name, text),
                experts=sum(int(e.get("count", 1)) for e in entries),
                models=models,
                text=text,
            )
        )
    return infos
