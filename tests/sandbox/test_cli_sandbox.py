"""What the command line says and does about the sandbox: ``doctor`` and ``--unsafe-sandbox``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arcloop.cli import main
from arcloop.sandbox import process

BARE = {"landlock_abi": 0, "seccomp": False, "namespaces": False, "root": True}


def test_doctor_prints_the_verdict_then_one_line_per_layer() -> None:
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert lines[0] == "sandbox mode: warm (fast; fully contained: every layer below is on)"
    assert all(line.startswith("[on ] ") for line in lines[1:])
    assert any(line.startswith("[on ] filesystem view: ") for line in lines)
    data = json.loads(CliRunner().invoke(main, ["doctor", "--json"]).output)
    assert data["fully_contained"] is True and data["off"] == []
    assert [c["name"] for c in data["checks"]] == [line[6:].split(":")[0] for line in lines[1:]]


def test_doctor_names_what_is_off_and_never_says_fully_contained_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from arcloop.sandbox import _children

    monkeypatch.setattr(_children, "probe_machine", lambda: BARE)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0
    assert "fully contained" not in result.output
    assert result.output.splitlines()[0].startswith("sandbox mode: fresh FALLBACK")
    assert "[OFF] filesystem view:" in result.output
    assert "[OFF] seccomp allow-list:" in result.output
    assert "--unsafe-sandbox" in result.output


def test_as_root_a_run_refuses_the_fallback_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "probe_machine", lambda: BARE)
    monkeypatch.setattr(process, "_WARNED", {("namespaces", "seccomp")})
    args = ["run", "--tasks", "00576224", "--quiet", "--json"]
    refused = CliRunner().invoke(main, [*args, "--run-dir", str(tmp_path / "a")])
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output
    (line,) = refused.stderr.strip().splitlines()
    assert "runs as root" in line and "--unsafe-sandbox" in line
    allowed = CliRunner().invoke(
        main, [*args, "--run-dir", str(tmp_path / "b"), "--unsafe-sandbox"]
    )
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["tasks_done"] == 1
    assert "allow_unsafe = true" in (tmp_path / "b" / "config.toml").read_text()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "warm_processes = 256\nprefork = 64",
            "sandbox: warm_processes = 256 is more than 4 per core on this machine",
        ),
        ("warm_processes = 8\nprefork = 64", "sandbox: warm_processes x prefork = 8 x 64"),
        ("max_threads = 0", "sandbox.max_threads: Input should be greater than or equal to 1"),
    ],
)
def test_sandbox_settings_that_do_not_fit_are_one_line_and_exit_2(
    tmp_path: Path, table: str, message: str
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[sandbox]\n{table}\n")
    result = CliRunner().invoke(
        main, ["run", "-c", str(config), "--limit", "1", "--run-dir", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line
