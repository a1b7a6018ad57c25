"""Prompt templates: plain text with ``{{name}}`` placeholders, rendered strictly.

A template is a text file. Placeholders are written ``{{name}}`` (a Python identifier inside
double braces, spaces allowed: ``{{ name }}``). Single braces are ordinary text, so a template
can show Python code with dicts and f-strings without escaping anything.

Rendering is strict in both directions: every placeholder must be given a value, and every value
given must have a placeholder. A typo in a user's template or in the code that fills it is an
error before any money is spent, never a prompt with ``{{exmaples}}`` left in it.

>>> t = Template("greeting", "Hello {{ who }}, {not a placeholder}.")
>>> t.render(who="ARC")
'Hello ARC, {not a placeholder}.'

Not here: choosing which template an expert uses (``arcloop.prompts.catalog``) and what the
values are (``arcloop.prompts.task_text`` and the solver).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arcloop.errors import ConfigError

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Template:
    """A named template text and the placeholders it holds.

    Attributes:
        name: where the template came from (a built-in name or a file path), used in errors.
        text: the raw template text.
    """

    name: str
    text: str

    @property
    def fields(self) -> frozenset[str]:
        """The placeholder names this template holds."""
        return frozenset(m.group(1) for m in _PLACEHOLDER.finditer(self.text))

    def check_fields(self, expected: frozenset[str] | set[str]) -> None:
        """Raise unless the template's placeholders are exactly ``expected``.

        Raises:
            ConfigError: naming the template, the placeholders it lacks and the unknown ones.
        """
        have = self.fields
        missing = sorted(set(expected) - have)
        unknown = sorted(have - set(expected))
        if missing or unknown:
            parts = []
            if missing:
                parts.append("lacks " + ", ".join("{{" + m + "}}" for m in missing))
            if unknown:
                parts.append("has unknown " + ", ".join("{{" + u + "}}" for u in unknown))
            allowed = ", ".join("{{" + e + "}}" for e in sorted(expected))
            raise ConfigError(
                f"prompt template {self.name}: {' and '.join(parts)} (expected exactly: {allowed})"
            )

    def render(self, **values: str) -> str:
        """Fill every placeholder.

        Values are inserted verbatim and never re-scanned, so a value may itself contain
        ``{{...}}``.

        Raises:
            ConfigError: a placeholder has no value, or a value has no placeholder.
        """
        have = self.fields
        unfilled = sorted(have - set(values))
        unknown = sorted(set(values) - have)
        if unfilled or unknown:
            parts = []
            if unfilled:
                parts.append("no value for " + ", ".join("{{" + u + "}}" for u in unfilled))
            if unknown:
                parts.append("no placeholder for " + ", ".join(unknown))
            raise ConfigError(f"prompt template {self.name}: {' and '.join(parts)}")
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)
