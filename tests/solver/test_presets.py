"""The shipped presets: their content, and runs against a model right with a given probability."""

from __future__ import annotations

import asyncio
import random
import tomllib
from collections.abc import Callable

import pytest

from arcloop.errors import ConfigError
from arcloop.presets import list_presets, load_preset, preset_text
from arcloop.solver import ExpertSpec, SolverConfig, solve_task
from tests.solver.fakes import FLIP, IDENTITY, ChanceModel, InProcessSandbox, flip_task, reply_with

EXPERTS = {"poetiq-a": 1, "poetiq-b": 2, "poetiq-c": 8}
FLIPPED_TEST = ((0, 3, 2), (0, 0, 4))
IDENTITY_TEST = ((2, 3, 0), (4, 0, 0))


def test_list_presets() -> None:
    infos = list_presets()
    poetiq = [p for p in infos if p.name.startswith("poetiq-")]
    assert [(p.name, p.experts, p.models) for p in poetiq] == [
        (name, n, ("gemini/gemini-3-pro-preview",)) for name, n in EXPERTS.items()
    ]
    for info in poetiq:
        assert info.description.startswith("Poetiq's published Gemini 3 Pro configuration")
    assert [(p.name, p.experts, p.models) for p in infos if p not in poetiq] == [
        ("lean-c", 9, ("local/search", "gemini/gemini-3-pro-preview"))
    ]
    for info in infos:
        assert tomllib.loads(info.text) == load_preset(info.name)


@pytest.mark.parametrize("name", sorted(EXPERTS))
def test_preset_settings(name: str) -> None:
    doc = load_preset(name)
    assert doc["models"] == {"gemini/gemini-3-pro-preview": {"request_timeout": 3600}}
    config = SolverConfig.from_document(doc)
    (entry,) = config.experts
    assert entry.count == EXPERTS[name]
    assert (entry.model, entry.temperature, entry.iterations) == (
        "gemini/gemini-3-pro-preview",
        1.0,
        10,
    )
    assert (entry.max_solutions, entry.selection_probability) == (5, 1.0)
    assert entry.improving_order and entry.shuffle_examples and entry.return_best
    assert (entry.max_total_timeouts, entry.max_total_time) == (15, 0)
    # the faithful presets run every expert to its end, with Poetiq's prompts
    assert config.settle is None and config.waves == ()
    assert not config.cache_friendly_prompts and not config.skip_paid_when_search_fits
    config.check()


def test_lean_c_keeps_poetiq_c_experts_and_adds_the_economies() -> None:
    lean = SolverConfig.from_document(load_preset("lean-c"))
    (poetiq,) = SolverConfig.from_document(load_preset("poetiq-c")).experts
    search, paid = lean.experts
    assert search.is_search
    assert paid == poetiq
    assert lean.waves == (2, 2, 4) and lean.settle is not None and lean.settle.agreeing == 2
    assert lean.cache_friendly_prompts and lean.skip_paid_when_search_fits
    lean.check()


def _always(model: ChanceModel) -> Callable[[ExpertSpec], ChanceModel]:
    return lambda spec: model


def _no_programs(task: object, **limits: object) -> list[object]:
    return []


@pytest.mark.parametrize("p_right", [0.15, 0.3])
def test_lean_c_spends_fewer_calls_than_poetiq_c_for_the_same_answers(p_right: float) -> None:
    totals = {"poetiq-c": [0, 0], "lean-c": [0, 0]}
    for k in range(6):
        for name, calls_and_right in totals.items():
            model = ChanceModel(right=reply_with(FLIP), wrong=reply_with(IDENTITY), p_right=p_right)
            result = asyncio.run(
                solve_task(
                    flip_task(f"lean-{k}"),
                    SolverConfig.from_document(load_preset(name)),
                    client_for=_always(model),
                    sandbox=InProcessSandbox(),
                    search=_no_programs,  # type: ignore[arg-type]
                )
            )
            calls_and_right[0] += result.calls
            calls_and_right[1] += result.attempts[0].attempt_1 == FLIPPED_TEST
    assert totals["lean-c"][1] >= totals["poetiq-c"][1] - 1
    assert totals["lean-c"][0] * 2 <= totals["poetiq-c"][0]


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(
        ConfigError, match=r"unknown preset .poetiq-z. \(known presets: lean-c, poetiq-a"
    ):
        preset_text("poetiq-z")


def expected_calls(task_id: str, index: int, p_right: float, iterations: int = 10) -> int:
    """The algorithm: expert i (seed i) calls until the first right answer, at most 10 times."""
    for k in range(1, iterations + 1):
        key = f"task={task_id}/expert={index}/seed={index}/iteration={k}"
        if random.Random(key).random() < p_right:
            return k
    return iterations


@pytest.mark.parametrize("name", sorted(EXPERTS))
@pytest.mark.parametrize("p_right", [0.0, 0.15, 0.5])
def test_poetiq_runs_against_a_chance_model(name: str, p_right: float) -> None:
    task = flip_task(f"chance-{name}-{p_right}")
    config = SolverConfig.from_document(load_preset(name))
    model = ChanceModel(right=reply_with(FLIP), wrong=reply_with(IDENTITY), p_right=p_right)
    bound: list[ExpertSpec] = []

    def client_for(spec: ExpertSpec) -> ChanceModel:
        bound.append(spec)
        return model

    result = asyncio.run(
        solve_task(task, config, client_for=client_for, sandbox=InProcessSandbox())
    )
    n = EXPERTS[name]
    assert sorted(s.index for s in bound) == list(range(n))
    calls = [expected_calls(task.id, i, p_right) for i in range(n)]
    assert [e.calls for e in result.experts] == calls
    assert result.calls == len(model.calls) == sum(calls)
    assert result.usage.cost_usd == pytest.approx(0.1 * sum(calls))
    solved = [e.stop == "solved" for e in result.experts]
    assert solved == [e.iterations[-1].passed for e in result.experts]
    assert sum(solved) == sum(
        random.Random(f"task={task.id}/expert={i}/seed={i}/iteration={c}").random() < p_right
        for i, c in enumerate(calls)
    )
    if any(solved):
        assert result.attempts[0].attempt_1 == FLIPPED_TEST
        assert result.groups[0].passed
        assert set(result.groups[0].experts) == {i for i, s in enumerate(solved) if s}
    else:
        assert result.attempts[0].attempt_1 == IDENTITY_TEST
        assert all(e.stop == "iterations" for e in result.experts)
    # every later prompt of an expert carries its previous iteration's feedback
    prompts = {c.sample_key: c.prompt for c in model.calls}
    for e in result.experts:
        for it in e.iterations[1:]:
            key = f"task={task.id}/expert={e.index}/seed={e.seed}/iteration={it.number}"
            assert e.iterations[it.number - 2].feedback in prompts[key]
            assert len(it.shown_solutions) == min(5, it.number - 1)


def test_the_chance_runs_exercise_early_stops_and_full_runs() -> None:
    """Guards the table above: with p=0.15 and 8 experts, some stop early and some do not."""
    calls = [expected_calls("chance-poetiq-c-0.15", i, 0.15) for i in range(8)]
    assert any(c < 10 for c in calls)
    assert 10 in calls
