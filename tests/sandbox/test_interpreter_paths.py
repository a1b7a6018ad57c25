"""The sandbox works wherever the interpreter lives, /tmp included (a CI checkout, a scratch
venv): the view then binds folders under /tmp, and each child's private tmpfs on /tmp must
keep them visible, read-only, while /tmp stays writable.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import arcloop

PROGRAM = """
import tempfile
import numpy as np
from scipy import ndimage

def transform(grid):
    with tempfile.NamedTemporaryFile("w", delete=False) as f:  # the child's own temp dir
        f.write("x")
    with open("/tmp/note", "w") as f:  # /tmp itself stays writable
        f.write("x")
    try:
        open(np.__file__, "a")
    except OSError:
        pass
    else:
        raise AssertionError("numpy, bound under /tmp, can be written")
    labels, n = ndimage.label(np.array(grid) > 0)
    return [[int(n)]]
"""

SCRIPT = """
import asyncio, json, sys
from arcloop.sandbox import ProcessSandbox, SandboxConfig

async def main():
    sandbox = ProcessSandbox(SandboxConfig(warm_processes=1, prefork=1))
    try:
        outcomes = await sandbox.run(sys.argv[1], [[[1, 0, 1]]])
    finally:
        sandbox.close()
    print(json.dumps([[o.grid, None if o.failure is None else str(o.failure)] for o in outcomes]))

asyncio.run(main())
"""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


@pytest.mark.slow
def test_a_venv_under_tmp_with_numpy_and_scipy_there(tmp_path: Path) -> None:
    assert str(tmp_path).startswith("/tmp/")  # what this test is about
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    for name in ("numpy", "scipy"):  # found under /tmp, as an install there would be
        real = _package_dir(name)
        (site / name).symlink_to(real)
        libs = real.with_name(real.name + ".libs")
        if libs.is_dir():
            (site / libs.name).symlink_to(libs)
    outer = [p for p in sys.path if p.endswith("site-packages")]
    outer.append(str(Path(arcloop.__file__).resolve().parents[1]))
    (site / "outer.pth").write_text("\n".join(outer) + "\n")
    ran = subprocess.run(
        [str(venv / "bin" / "python"), "-c", SCRIPT, PROGRAM],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [[[[2]], None]]
    # and doctor, which rehearses the same view, says so
    doctor = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "arcloop.cli", "doctor", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    assert json.loads(doctor.stdout)["off"] == []
