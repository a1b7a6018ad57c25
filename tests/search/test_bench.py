"""``benchmarks/bench_search.py --against``: it measures another checkout or says why not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_search.py"


def _against(folder: Path) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, str(BENCH), "arc-agi-1/training", "--limit", "1", "--against"]
    return subprocess.run([*args, str(folder)], capture_output=True, text=True, timeout=300)


def test_a_folder_without_arcloop_is_refused_in_one_line(tmp_path: Path) -> None:
    result = _against(tmp_path)
    assert result.returncode == 2
    assert "is not an arcloop checkout" in result.stderr.splitlines()[-1]


def test_a_folder_whose_arcloop_cannot_be_imported_is_not_measured_as_this_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "arcloop" / "search").mkdir(parents=True)  # no package in it
    result = _against(tmp_path)
    assert result.returncode != 0
    assert "has no importable arcloop" in result.stderr.splitlines()[-1]
    assert "| arc-agi-1/training |" not in result.stdout
