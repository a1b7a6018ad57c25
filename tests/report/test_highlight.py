"""The highlighter keeps every character of a program and colours what it should."""

from __future__ import annotations

import itertools

import pytest

from arcloop.report.highlight import Segment, highlight, normalise_newlines

PROGRAMS = [
    "",
    "def transform(grid):\n    return grid\n",
    "x = (1,\n",  # unclosed bracket
    's = """never closed\nstill a string\n',
    "s = 'open\nnext = 1\n",
    "if x:\n  a\n b\n",  # bad dedent
    "\tindented\twith tabs\r\nand CRLF\rand CR",
    'label = "</script><script>alert(1)</script>"  # <!-- -->\n',
    "café = 'ünïcode' + \"\\\"escaped\\\"\" + rb'\\x00'\n",
    "@functools.cache\ndef f(): return a @ b\n",
    "x = 0x1F + 1_000.5e-3j + .5 - 7\n",
    "\u2028\u2029\x00 weird separators",
    "def",  # a keyword at the very end
    "```python\nnot even code```",
]


def _text(segments: list[Segment]) -> str:
    return "".join(s if isinstance(s, str) else s[1] for s in segments)


def _classed(segments: list[Segment]) -> list[tuple[str, str]]:
    return [(s[0], s[1]) for s in segments if not isinstance(s, str)]


@pytest.mark.parametrize("code", PROGRAMS)
def test_segments_join_back_to_the_program(code: str) -> None:
    segments = highlight(code)
    assert _text(segments) == normalise_newlines(code)
    # plain text is never split in two neighbouring strings, and no segment is empty
    for a, b in itertools.pairwise(segments):
        assert not (isinstance(a, str) and isinstance(b, str))
    assert all((s if isinstance(s, str) else s[1]) for s in segments)


def test_token_classes() -> None:
    code = (
        "@cache\n"
        "def transform(grid):  # rotate\n"
        "    n = len(grid) + 0x10\n"
        "    return [r[::-1] for r in grid] if n else None\n"
        "class Box: s = f'{n}'\n"
    )
    assert _classed(highlight(code)) == [
        ("d", "@cache"),
        ("k", "def"),
        ("f", "transform"),
        ("c", "# rotate"),
        ("b", "len"),
        ("n", "0x10"),
        ("k", "return"),
        ("n", "1"),
        ("k", "for"),
        ("k", "in"),
        ("k", "if"),
        ("k", "else"),
        ("n", "None"),
        ("k", "class"),
        ("f", "Box"),
        ("s", "f'{n}'"),
    ]


def test_names_that_contain_keywords_or_digits_stay_plain() -> None:
    assert _classed(highlight("ifx = x1 + forty_2 + bar'")) == [("s", "'")]


def test_matrix_multiplication_is_not_a_decorator() -> None:
    assert _classed(highlight("c = a @ b\n")) == []


def test_an_unclosed_string_ends_at_its_line() -> None:
    assert _classed(highlight("s = 'open\nreturn 1\n")) == [
        ("s", "'open"),
        ("k", "return"),
        ("n", "1"),
    ]
