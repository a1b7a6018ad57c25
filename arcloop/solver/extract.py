"""Take the program out of a model's reply: the last fenced Python block that defines ``transform``.

Models wrap code in prose, write drafts before the final version, forget the language tag, or
answer with bare code. The rule, in order:

1. Fenced blocks (```` ``` ```` with the tag ``python``/``py``/``python3`` or no tag; a last fence
   left open by a truncated reply counts) are searched from the last to the first. The first one
   found that defines ``transform`` at top level is the program. A block that mentions
   ``def transform`` but does not parse stops the search: it is the model's final answer, and it
   is broken, which the model must hear about.
2. With no fence at all, the whole reply is tried as bare code.
3. Otherwise the reply is rejected with a reason written for the model, which becomes the
   feedback of that iteration.

>>> extract_program("Here:\\n```python\\ndef transform(g):\\n    return g\\n```").code
'def transform(g):\\n    return g'
>>> extract_program("I could not find it.").error
'The reply contains no Python code block. Put the whole program in one ```python block.'

Not here: running the program (the sandbox) or any check of what ``transform`` returns.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

_FENCE = re.compile(r"^[ \t]*```[ \t]*([^\n`]*)\n(.*?)(?:^[ \t]*```|\Z)", re.DOTALL | re.MULTILINE)
_PYTHON_TAGS = frozenset({"", "python", "py", "python3", "py3"})
_MENTIONS_DEF = re.compile(r"^\s*def\s+transform\s*\(", re.MULTILINE)

NO_CODE = "The reply contains no Python code block. Put the whole program in one ```python block."
NO_TRANSFORM = (
    "No code block defines a top-level function `transform(grid)`. The program must define it."
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """The program taken from a reply, or why there is none.

    Attributes:
        code: the program's source when one was found, else the broken candidate block (so the
            model can see it in feedback) or "".
        error: None when ``code`` is a usable program; otherwise the reason, addressed to the model.
    """

    code: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _defines_transform(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "transform":
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "transform" for t in node.targets
        ):
            return True
    return False


def _parse(code: str) -> ast.Module | str:
    """The module's AST, or a one-line description of its syntax error."""
    try:
        return ast.parse(code)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno is not None else ""
        return f"The program does not parse: {where}{exc.msg}."
    except ValueError as exc:  # e.g. null bytes in the source
        return f"The program does not parse: {exc}."


def _check(code: str) -> Extraction | None:
    """An ``Extraction`` when ``code`` settles the question (a program or a broken final one)."""
    parsed = _parse(code)
    if isinstance(parsed, str):
        return Extraction(code, parsed) if _MENTIONS_DEF.search(code) else None
    return Extraction(code) if _defines_transform(parsed) else None


def python_blocks(text: str) -> list[str]:
    """The contents of every fenced block tagged as Python or untagged, in order, dedented (a
    fence inside a list item is indented with its code)."""
    blocks = []
    for match in _FENCE.finditer(text):
        tag = match.group(1).strip().lower()
        if tag in _PYTHON_TAGS:
            blocks.append(textwrap.dedent(match.group(2)).strip("\n"))
    return blocks


def extract_program(text: str) -> Extraction:
    """The program in a model's reply, or the reason there is none (see the module docstring)."""
    has_fence = "```" in text
    for block in reversed(python_blocks(text)):
        found = _check(block)
        if found is not None:
            return found
    if not has_fence:
        bare = text.strip("\n")
        found = _check(bare)
        if found is not None:
            return found
        if not bare.strip():
            return Extraction("", NO_CODE)
        parsed = _parse(bare)
        return Extraction("", NO_CODE if isinstance(parsed, str) else NO_TRANSFORM)
    return Extraction("", NO_TRANSFORM)
