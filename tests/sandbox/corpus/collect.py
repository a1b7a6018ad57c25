"""Collect the offline search's programs on ARC-AGI-1 training tasks into the corpus.

python -m tests.sandbox.corpus.collect [COUNT]
"""

from __future__ import annotations

import gzip
import json
import sys

from arcloop.arc.dataset import load_dataset
from arcloop.search import search
from tests.sandbox.corpus import HERE


def main(count: int) -> None:
    programs: list[dict[str, str]] = []
    seen: set[str] = set()
    for task in load_dataset("arc-agi-1/training").tasks:
        for found in search(task, max_programs=2, time_limit_s=2.0)[:1]:
            if found.source not in seen:
                seen.add(found.source)
                programs.append({"task": task.id, "source": found.source})
        if len(programs) >= count:
            break
    data = json.dumps(programs, indent=0, sort_keys=True).encode()
    with gzip.GzipFile(HERE / "search_programs.json.gz", "wb", mtime=0) as f:
        f.write(data)
    print(f"{len(programs)} programs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 220)
