from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from arcloop.errors import ConfigError, ResumeConflictError
from arcloop.runs.config import Overrides, resolve


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_bare_run_is_the_offline_expert_on_arc_agi_1_evaluation() -> None:
    config = resolve()
    assert config.run.dataset == "arc-agi-1/evaluation"
    assert [e.model for e in config.solver.experts] == ["local/search"]


def test_preset_replaces_the_default_experts() -> None:
    config = resolve(preset="poetiq-c")
    assert sum(e.count for e in config.solver.experts) == 8
    assert {e.model for e in config.solver.experts} == {"gemini/gemini-3-pro-preview"}
    assert config.models["gemini/gemini-3-pro-preview"].request_timeout == 3600


def test_later_files_win_and_options_win_over_files(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "a.toml", '[run]\nlimit = 5\nconcurrency = 2\n[[experts]]\nmodel = "x/a"\n'
    )
    b = _write(tmp_path / "b.toml", "[run]\nlimit = 7\n")
    config = resolve(files=[a, b])
    assert (config.run.limit, config.run.concurrency) == (7, 2)
    assert [e.model for e in config.solver.experts] == ["x/a"]
    config = resolve(files=[a, b], overrides=Overrides(limit=3, model="openai/m", iterations=4))
    assert config.run.limit == 3
    assert [(e.model, e.iterations) for e in config.solver.experts] == [("openai/m", 4)]


def test_api_base_and_experts_options(tmp_path: Path) -> None:
    config = resolve(
        overrides=Overrides(model="openai/local", api_base="http://127.0.0.1:9/v1", experts=3)
    )
    assert config.models["openai/local"].api_base == "http://127.0.0.1:9/v1"
    assert config.solver.experts[0].count == 3
    two = _write(tmp_path / "two.toml", '[[experts]]\nmodel = "a/b"\n[[experts]]\nmodel = "c/d"\n')
    with pytest.raises(ConfigError, match="--experts sets the count of a single"):
        resolve(files=[two], overrides=Overrides(experts=2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[run]\nlimt = 3\n", "run.limt: Extra inputs are not permitted"),
        ("[run]\nconcurrency = 0\n", "run.concurrency: Input should be greater than or equal to 1"),
        ("[runn]\n", "runn: unknown table"),
        ('[[experts]]\nmodel = "a/b"\nitrations = 2\n', "experts.0.itrations"),
        ('[models."openai/x"]\nprce = 1\n', "prce"),
        ("[sandbox]\ntimeout_s = -1\n", "sandbox.timeout_s"),
        ("[run\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_key_path(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        resolve(files=[path])


def test_resolved_document_round_trips_through_toml() -> None:
    config = resolve(preset="poetiq-b", overrides=Overrides(limit=2, tasks=["a", "b"]))
    again = resolve(stored=config.to_toml())
    assert again.document == config.document
    assert tomllib.loads(config.to_toml())["run"]["tasks"] == ["a", "b"]


def test_resume_refuses_a_changed_option_but_accepts_the_same_one() -> None:
    stored = resolve(overrides=Overrides(limit=5)).to_toml()
    assert resolve(stored=stored, overrides=Overrides(limit=5)).run.limit == 5
    with pytest.raises(ResumeConflictError, match=r"\(experts would change\)"):
        resolve(stored=stored, overrides=Overrides(iterations=6))
    with pytest.raises(ResumeConflictError, match=r"run\.limit"):
        resolve(stored=stored, overrides=Overrides(limit=4))  # would hide finished tasks
    with pytest.raises(ResumeConflictError, match="--preset"):
        resolve(stored=stored, preset="poetiq-a")


def test_resume_may_extend_the_run_with_more_tasks() -> None:
    stored = resolve(overrides=Overrides(limit=5)).to_toml()
    assert resolve(stored=stored, overrides=Overrides(limit=40)).run.limit == 40
    listed = resolve(overrides=Overrides(tasks=["a", "b"])).to_toml()
    extended = resolve(stored=listed, overrides=Overrides(tasks=["a", "b", "c"]))
    assert extended.run.tasks == ("a", "b", "c")
    with pytest.raises(ResumeConflictError, match=r"run\.tasks"):
        resolve(stored=listed, overrides=Overrides(tasks=["a", "c"]))  # b would be dropped


def test_resume_may_change_where_and_how_fast_it_runs_and_its_budget() -> None:
    stored = resolve(overrides=Overrides(limit=5, budget_usd=1.0)).to_toml()
    more = resolve(
        stored=stored,
        overrides=Overrides(budget_usd=5.0, concurrency=9, executor="ray", ray_workers=3),
    )
    assert (more.run.budget_usd, more.run.concurrency, more.run.executor) == (5.0, 9, "ray")
    assert more.run.ray_workers == 3 and more.run.limit == 5


def test_files_are_stored_absolute_so_a_resume_from_elsewhere_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "mine.txt").write_text("x")
    config_file = _write(tmp_path / "c.toml", '[[experts]]\nmodel = "a/b"\nprompt = "mine.txt"\n')
    monkeypatch.chdir(tmp_path)
    config = resolve(files=[config_file], overrides=Overrides(dataset="tasks"))
    assert config.run.dataset == str(tmp_path / "tasks")
    assert config.solver.experts[0].prompt == str(tmp_path / "mine.txt")
    assert resolve(overrides=Overrides(dataset="arc-agi-2/evaluation")).run.dataset == (
        "arc-agi-2/evaluation"
    )
    monkeypatch.chdir("/")
    assert resolve(stored=config.to_toml()).document == config.document
