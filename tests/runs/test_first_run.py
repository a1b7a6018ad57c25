"""The first real run, as a new user makes it against an OpenAI-compatible server: a local
endpoint needs no price, checks come before anything is created, a server that is down is
waited for (up to a limit) and loses nothing, a task a provider failed is retried on resume,
and a run can be extended."""

from __future__ import annotations

import json
import threading
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from arcloop.cli import main
from tests.fakeprovider import FakeProvider, Fault
from tests.ray.helpers import MIRROR, write_tasks


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *args], env=env)


@pytest.fixture(scope="module")
def tasks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three mirror tasks (the fake's program solves them) and one it never solves."""
    return write_tasks(tmp_path_factory.mktemp("data") / "tasks", mirrors=3)


def _model_args(api_base: str, *more: str) -> list[str]:
    return ["--model", "openai/my-model", "--api-base", api_base, "--iterations", "2", *more]


def test_the_quick_tour_line_for_a_local_server_runs_for_free(tasks: Path, tmp_path: Path) -> None:
    with FakeProvider(reply=lambda body: MIRROR) as fake:
        result = _run(
            "--model", "openai/my-model", "--api-base", fake.openai_base, "--experts", "2",
            "-d", str(tasks), "--limit", "1", "--run-dir", str(tmp_path / "r"), "--json",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"openai/my-model: no price declared; its api_base {fake.openai_base} is local" in (
        result.stderr
    )
    summary = json.loads(result.stdout)
    assert summary["tasks_done"] == 1 and summary["cost_usd"] == 0.0


def test_a_model_expert_gets_ten_iterations_and_the_plan_says_so(tasks: Path) -> None:
    result = _run("--model", "openai/x", "--api-base", "http://127.0.0.1:9/v1", "-d", str(tasks))
    assert result.exit_code == 0 or "--dry-run" not in result.output  # (not run: see below)
    plan = _run(
        "--model", "openai/x", "--api-base", "http://127.0.0.1:9/v1", "-d", str(tasks),
        "--dry-run",
    )  # fmt: skip
    assert plan.exit_code == 0, plan.output
    assert "1 x openai/x: 10 iterations" in plan.stdout
    assert "max model calls  40" in plan.stdout  # 4 tasks x 10 iterations


def test_an_unknown_price_is_refused_with_the_flag_and_valid_toml(tmp_path: Path) -> None:
    run_dir = tmp_path / "r"
    refused = _run(
        "--model", "openai/x", "--api-base", "https://llm.example.com/v1",
        "--run-dir", str(run_dir),
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "--price INPUT,OUTPUT[,CACHED]" in refused.stderr
    snippet = refused.stderr.split("\n\n")[1]
    assert tomllib.loads(snippet)["models"]["openai/x"]["price"]["output"] == 10.0
    assert not run_dir.exists()
    priced = _run(
        "--model", "openai/x", "--api-base", "https://llm.example.com/v1", "--price", "1,4",
        "--limit", "2", "--dry-run",
    )  # fmt: skip
    assert priced.exit_code == 0, priced.output
    assert "$1 in / $4 out per 1M tokens" in priced.stdout


def test_failed_starts_leave_no_run_directory(tmp_path: Path) -> None:
    no_key = _run(
        "--model", "gemini/gemini-3-pro-preview", "--run-dir", str(tmp_path / "a"),
        env={"GEMINI_API_KEY": ""},
    )  # fmt: skip
    assert no_key.exit_code == 3
    assert "set GEMINI_API_KEY" in no_key.stderr and "resume" not in no_key.stderr
    bad_id = _run("--tasks", "nosuchtask", "--run-dir", str(tmp_path / "b"))
    assert bad_id.exit_code == 2 and "no task with id 'nosuchtask'" in bad_id.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_dotenv_is_read_and_never_overrides_the_environment(
    tasks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ARCLOOP_TEST_KEY=from-the-file\n")
    config = tmp_path / "c.toml"
    with FakeProvider(reply=lambda body: MIRROR) as fake:
        config.write_text(
            f'[models."openai/keyed"]\napi_base = "{fake.openai_base}"\n'
            'api_key_env = "ARCLOOP_TEST_KEY"\nprice = { input = 0.0, output = 0.0 }\n'
        )
        args = ["-c", str(config), "--model", "openai/keyed", "--iterations", "1", "-d", str(tasks)]
        monkeypatch.delenv("ARCLOOP_TEST_KEY", raising=False)
        assert _run(*args, "--limit", "1", "--run-dir", "a", "-q").exit_code == 0
        assert fake.requests[-1].authorization == "Bearer from-the-file"
        monkeypatch.setenv("ARCLOOP_TEST_KEY", "from-the-environment")
        assert _run(*args, "--limit", "1", "--run-dir", "b", "-q").exit_code == 0
        assert fake.requests[-1].authorization == "Bearer from-the-environment"


def test_check_asks_each_model_for_one_token_first(tasks: Path, tmp_path: Path) -> None:
    with FakeProvider(reply=lambda body: MIRROR) as fake:
        checked = _run(*_model_args(fake.openai_base), "-d", str(tasks), "--check", "--dry-run")
        assert checked.exit_code == 0, checked.output
        assert f"openai/my-model at {fake.openai_base}: answered in" in checked.stderr
        assert fake.requests[0].body["max_tokens"] == 1
    down = f"http://127.0.0.1:{FakeProvider.free_port()}/v1"
    failed = _run(*_model_args(down), "-d", str(tasks), "--check", "--run-dir", str(tmp_path / "r"))
    assert failed.exit_code == 3, failed.output
    assert down in failed.stderr and not (tmp_path / "r").exists()


def _config(tmp_path: Path, api_base: str, *, unreachable_limit_s: float) -> Path:
    config = tmp_path / "c.toml"
    config.write_text(
        f"[run]\nunreachable_limit_s = {unreachable_limit_s}\nconcurrency = 2\n"
        f'[models."openai/my-model"]\napi_base = "{api_base}"\n'
    )
    return config


def test_a_server_that_never_answers_stops_the_run_with_exit_3(tasks: Path, tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{FakeProvider.free_port()}/v1"
    config = _config(tmp_path, down, unreachable_limit_s=2)
    result = _run(
        "-c", str(config), "--model", "openai/my-model", "-d", str(tasks), "-q",
        "--run-dir", str(tmp_path / "r"),
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("arcloop: error:")]
    assert down in line and "has not answered in this run" in line and "limit of 2 s" in line
    assert "Traceback" not in result.output


def test_a_server_that_comes_back_within_the_limit_loses_nothing(
    tasks: Path, tmp_path: Path
) -> None:
    port = FakeProvider.free_port()
    config = _config(tmp_path, f"http://127.0.0.1:{port}/v1", unreachable_limit_s=60)
    late = FakeProvider(reply=lambda body: MIRROR, port=port)
    starter = threading.Timer(3.0, late.start)
    starter.start()
    try:
        result = _run(
            "-c", str(config), "--model", "openai/my-model", "--iterations", "2",
            "-d", str(tasks), "-q", "--json", "--run-dir", str(tmp_path / "r"),
        )  # fmt: skip
    finally:
        starter.join()
        late.stop()
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tasks_done"] == 4 and summary["provider_failed_tasks"] == 0


def test_a_task_a_provider_failed_is_kept_and_retried_on_resume(
    tasks: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "r"
    port = FakeProvider.free_port()
    args = [*_model_args(f"http://127.0.0.1:{port}/v1"), "-d", str(tasks), "-q", "--json"]
    args += ["--run-dir", str(run_dir)]
    with FakeProvider(reply=lambda body: MIRROR, port=port) as fake:
        fake.fault_fn = lambda index, body: Fault.bad_request()
        failed = _run(*args)
    assert failed.exit_code == 3, failed.output
    assert "every task of this leg failed on a provider error" in failed.stderr
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["tasks_done"] == 0 and summary["provider_failed_tasks"] == 4
    assert all("FatalProviderError" in f["cause"] for f in summary["provider_failures"])
    page = (run_dir / "report.html").read_text()
    assert page.count('<span class="badge provider_error" title="FatalProviderError') == 4
    assert '<option value="provider_error">Provider errors</option>' in page
    first_leg = summary["elapsed_s"]
    with FakeProvider(reply=lambda body: MIRROR, port=port):
        resumed = _run(*args)
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    assert summary["tasks_done"] == 4 and summary["provider_failed_tasks"] == 0
    assert summary["legs"] == 2 and summary["elapsed_s"] >= first_leg


def test_a_finished_run_is_extended_without_buying_anything_again(
    tasks: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "r"
    with FakeProvider(reply=lambda body: MIRROR) as fake:
        args = [*_model_args(fake.openai_base), "-d", str(tasks), "-q", "--run-dir", str(run_dir)]
        assert _run(*args, "--limit", "2").exit_code == 0
        calls = fake.count
        extended = _run("--run-dir", str(run_dir), "--limit", "3", "-q", "--json")
        assert extended.exit_code == 0, extended.output
        assert fake.count - calls == 1  # the mirror task added; the first two are kept
    summary = json.loads(extended.stdout)
    assert summary["tasks_done"] == 3 and summary["legs"] == 2


def test_the_live_view_says_when_an_endpoint_is_unreachable() -> None:
    from io import StringIO

    from rich.console import Console

    from arcloop.cli.progress import LiveView
    from arcloop.llm.outage import Down
    from arcloop.runs.progress import RunState

    since = time.mktime((2026, 12, 1, 12, 3, 0, 0, 0, -1))
    state = RunState(total=3, down=lambda: [Down("http://127.0.0.1:8000/v1", since, "refused")])
    console = Console(file=StringIO(), width=100)
    console.print(LiveView(state, console).render())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "http://127.0.0.1:8000/v1 unreachable since 12:03:00, retrying" in text


def test_doctor_checks_a_model_as_a_run_would(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeProvider(reply=lambda body: "ok") as fake:
        result = CliRunner().invoke(
            main, ["doctor", "--model", "openai/my-model", "--api-base", fake.openai_base]
        )
    assert result.exit_code == 0, result.output
    assert f"[ok ] openai/my-model at {fake.openai_base}: answered in" in result.stdout
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    missing = CliRunner().invoke(main, ["doctor", "--model", "gemini/gemini-3-pro-preview"])
    assert missing.exit_code == 3 and "set GEMINI_API_KEY" in missing.stderr
