"""A small Python syntax highlighter for the report, built on the standard ``tokenize`` module.

``highlight(code)`` splits a program into segments: a plain string for text shown as is, or a
``[css_class, text]`` pair for a token worth colouring. Joining the texts gives back the program
exactly (after its line endings are normalised to ``\\n``), so nothing a model wrote is lost or
reordered, and the page builds each segment with ``textContent``: no program text is ever parsed
as HTML.

>>> highlight("def f(x):  # hi\\n    return 1\\n")
[['k', 'def'], ' ', ['f', 'f'], '(x):  ', ['c', '# hi'], '\\n    ', ['k', 'return'], ' ', \
['n', '1'], '\\n']

Programs written by models are often broken. When ``tokenize`` gives up (an unclosed bracket or
string, a bad dedent), the part it understood stays coloured and the rest is plain text.

Not here: themes (the classes are styled by the page's CSS), other languages, or semantic
colouring (a name is a builtin when ``builtins`` has it, whatever the program assigns to it).
"""

from __future__ import annotations

import builtins
import io
import keyword
import token
import tokenize
from typing import TypeAlias

Segment: TypeAlias = "str | list[str]"
"""Plain text, or ``[css_class, text]``."""

KEYWORD = "k"
BUILTIN = "b"
STRING = "s"
NUMBER = "n"
COMMENT = "c"
DEFINITION = "f"
DECORATOR = "d"

_KEYWORDS = frozenset(keyword.kwlist)
_CONSTANTS = frozenset({"True", "False", "None"})
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_STRING_TOKENS = frozenset(
    t
    for t in (
        token.STRING,
        getattr(token, "FSTRING_START", None),  # Python >= 3.12 splits f-strings
        getattr(token, "FSTRING_MIDDLE", None),
        getattr(token, "FSTRING_END", None),
    )
    if t is not None
)


def normalise_newlines(code: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n`` (what ``tokenize`` and browsers expect)."""
    return code.replace("\r\n", "\n").replace("\r", "\n")


def _line_offsets(code: str) -> list[int]:
    """Offset of the start of each line (index 0 is line 1)."""
    offsets = [0]
    for i, ch in enumerate(code):
        if ch == "\n":
            offsets.append(i + 1)
    return offsets


def _classify(tok: tokenize.TokenInfo, previous: str, previous_css: str | None) -> str | None:
    if tok.type in _STRING_TOKENS:
        return STRING
    if tok.type == token.NUMBER:
        return NUMBER
    if tok.type == token.COMMENT:
        return COMMENT
    if tok.type == token.NAME:
        if previous in ("def", "class"):
            return DEFINITION
        if tok.string in _CONSTANTS:
            return NUMBER
        if tok.string in _KEYWORDS:
            return KEYWORD
        if tok.string in _BUILTINS:
            return BUILTIN
        if previous == "@" and previous_css == DECORATOR:
            return DECORATOR
    if tok.type == token.OP and tok.string == "@" and tok.line[: tok.start[1]].strip() == "":
        return DECORATOR
    return None


def highlight(code: str) -> list[Segment]:
    """Split ``code`` into plain and classed segments (see the module docstring).

    Args:
        code: any text; it need not be valid Python.

    Returns:
        Segments whose texts join to ``normalise_newlines(code)``.
    """
    text = normalise_newlines(code)
    offsets = _line_offsets(text)
    classed: list[tuple[int, int, str]] = []
    previous, previous_css = "", None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == token.ENDMARKER:
                break
            css = _classify(tok, previous, previous_css)
            if tok.type not in (token.NL, token.NEWLINE, token.INDENT, token.DEDENT):
                previous, previous_css = tok.string, css
            if css is None:
                continue
            start = offsets[tok.start[0] - 1] + tok.start[1]
            end = offsets[tok.end[0] - 1] + tok.end[1]
            classed.append((start, end, css))
    except (tokenize.TokenError, SyntaxError):
        pass  # keep what was understood; the rest is shown plain
    return _segments(text, classed)


def _segments(text: str, classed: list[tuple[int, int, str]]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0

    def plain(upto: int) -> None:
        if upto > pos:
            if out and isinstance(out[-1], str):
                out[-1] += text[pos:upto]
            else:
                out.append(text[pos:upto])

    for start, end, css in classed:
        if start < pos or end > len(text):  # defensive: never overlap or run past the text
            continue
        plain(start)
        out.append([css, text[start:end]])
        pos = end
    plain(len(text))
    return out
