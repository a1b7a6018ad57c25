"""Run corpus programs in plain Python, for comparison with the sandbox.

Reads ``[[code, [grid, ...]], ...]`` as JSON on stdin and prints one list of result records
per program (the records ``program.run_program`` emits). Runs in its own process and temp
directory, since the programs write files and change interpreter settings.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

from arcloop.sandbox._inside.program import run_program


def main() -> None:
    jobs = json.load(sys.stdin)
    answer = os.fdopen(os.dup(1), "w")
    sys.stdout = open(os.devnull, "w")  # the programs print  # noqa: SIM115
    out: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="arcloop-corpus-") as scratch:
        os.chdir(scratch)
        for code, inputs in jobs:
            records: list[dict[str, Any]] = []
            run_program(code, inputs, records.append)
            out.append(records)
        os.chdir("/")
    answer.write(json.dumps(out))
    answer.close()


if __name__ == "__main__":
    main()
