"""Benign programs the sandbox must run exactly as plain Python does (``test_benign_corpus``).

* ``search_programs.json.gz``: 220 programs the offline search emitted for ARC-AGI-1
  training tasks (``python -m tests.sandbox.corpus.collect`` makes it again);
* ``written/``: programs in the style language models write, one per file, reaching for the
  standard library, numpy and scipy the way generated programs do (threads, temp files,
  ``scipy.spatial``, ``print``...).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

HERE = Path(__file__).parent


def search_programs() -> list[dict[str, str]]:
    """``{"task": id, "source": code}`` for each emitted program."""
    with gzip.open(HERE / "search_programs.json.gz", "rt", encoding="utf-8") as f:
        programs: list[dict[str, str]] = json.load(f)
    return programs


def written_programs() -> dict[str, str]:
    """Name -> source of every written program."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / "written").glob("*.py"))}
