"""solve_task: experts run concurrently, mixed models and the search, the vote, the result."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from arcloop.arc.task import Task
from arcloop.errors import AuthenticationError, ConfigError
from arcloop.llm.types import Completion, Message, Usage
from arcloop.solver import (
    ExpertConfig,
    ExpertSpec,
    SolverConfig,
    TaskResult,
    expand_experts,
    solve_task,
)
from tests.solver.fakes import (
    FLIP,
    IDENTITY,
    ROT180,
    Call,
    InProcessSandbox,
    ScriptedModel,
    constant,
    flip_task,
    reply_with,
)

# passes every train pair of flip_task but answers differently on its test input
FLIP_BUT_TEST = (
    "import numpy as np\n\ndef transform(grid):\n    out = np.fliplr(grid)\n"
    "    if grid[0, 0] == 2:\n        out[0, 0] = 5\n    return out\n"
)
FLIPPED_TEST = ((0, 3, 2), (0, 0, 4))


@dataclass(frozen=True)
class Found:
    name: str
    source: str
    train_correct: int = 0
    train_total: int = 3


class FakeSearch:
    def __init__(self, programs: list[Found]) -> None:
        self.programs = programs
        self.seen: list[tuple[Task, float, int]] = []

    def __call__(
        self, task: Task, *, time_limit_s: float = 1.0, max_programs: int = 2
    ) -> Sequence[Found]:
        self.seen.append((task, time_limit_s, max_programs))
        return self.programs[:max_programs]


def solve(
    config: SolverConfig,
    models: dict[int, ScriptedModel],
    *,
    search: FakeSearch | None = None,
    task: Task | None = None,
) -> TaskResult:
    asked: list[ExpertSpec] = []

    def client_for(spec: ExpertSpec) -> ScriptedModel:
        asked.append(spec)
        return models[spec.index]

    result = asyncio.run(
        solve_task(
            task or flip_task(),
            config,
            client_for=client_for,
            sandbox=InProcessSandbox(),
            search=search,
        )
    )
    assert sorted(s.index for s in asked) == sorted(models)
    return result


def test_the_vote_picks_the_majority_passing_output() -> None:
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", count=3, iterations=2),))
    models = {
        0: ScriptedModel([reply_with(FLIP_BUT_TEST)]),
        1: ScriptedModel([reply_with(IDENTITY), reply_with(FLIP)]),
        2: ScriptedModel([reply_with(FLIP)]),
    }
    result = solve(config, models)
    assert result.attempts[0].attempt_1 == FLIPPED_TEST
    assert result.attempts[0].attempt_2 == ((5, 3, 2), (0, 0, 4))
    assert [(g.experts, g.passed) for g in result.groups] == [((1, 2), True), ((0,), True)]
    assert result.calls == 4
    assert result.usage.cost_usd == pytest.approx(0.04)
    assert result.usage.prompt_tokens == 400
    assert result.usage.completion_tokens == 200


def test_a_mixed_ensemble_of_search_and_llm_experts() -> None:
    search = FakeSearch([Found("identity", IDENTITY), Found("mirror", FLIP), Found("x", ROT180)])
    config = SolverConfig(
        experts=(
            ExpertConfig(model="local/search", iterations=5, max_total_time=2.5),
            ExpertConfig(model="fake/b", count=2, iterations=1, prompt="solver-3", seed=10),
        ),
        grid_format="compact",
    )
    models = {
        1: ScriptedModel([reply_with(constant(1))]),
        2: ScriptedModel([reply_with(constant(1))]),
    }
    result = solve(config, models, search=search)

    ((seen_task, limit, max_programs),) = search.seen
    assert seen_task.test_outputs is None
    assert (limit, max_programs) == (2.5, 5)
    searched = result.experts[0]
    assert searched.model == "local/search"
    # every program found is run; the earliest best (the mirror, which passes) is offered
    assert [it.program_name for it in searched.iterations] == ["identity", "mirror", "x"]
    assert searched.stop == "solved"
    assert searched.chosen == 2
    assert searched.calls == 0 and searched.usage == Usage()
    assert [(e.index, e.seed) for e in result.experts] == [(0, 0), (1, 11), (2, 12)]
    prompt = models[1].calls[0].prompt
    assert "Test input 1 (2x3):\n230\n400" in prompt  # the compact notation
    assert "2 3 0" not in prompt
    # the two LLM experts agree on a failing answer, but the passing search output ranks first
    assert result.attempts[0].attempt_1 == FLIPPED_TEST
    assert result.attempts[0].attempt_2 == ((1, 1, 1), (1, 1, 1))
    assert result.calls == 2


def test_the_search_finding_nothing() -> None:
    config = SolverConfig(experts=(ExpertConfig(model="local/search"),))
    result = solve(config, {}, search=FakeSearch([]))
    assert result.experts[0].stop == "no_programs"
    assert result.experts[0].chosen is None
    assert (result.attempts[0].attempt_1, result.attempts[0].attempt_2) == (None, None)


def test_a_failing_search_does_not_sink_the_other_experts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(task: Task, *, time_limit_s: float = 1.0, max_programs: int = 2) -> list[Found]:
        raise IndexError("bug in a primitive")

    config = SolverConfig(
        experts=(ExpertConfig(model="local/search"), ExpertConfig(model="fake/a", iterations=1))
    )
    model = ScriptedModel([reply_with(FLIP)])
    result = asyncio.run(
        solve_task(
            flip_task(),
            config,
            client_for=lambda s: model,
            sandbox=InProcessSandbox(),
            search=broken,
        )
    )
    assert result.experts[0].error == "IndexError: bug in a primitive"
    assert result.experts[0].stop == "no_programs"
    assert result.attempts[0].attempt_1 == FLIPPED_TEST
    assert "the search failed on task flip" in caplog.text


def test_no_expert_sees_the_test_outputs() -> None:
    task = flip_task()
    secret = Task(task.id, task.train, task.test_inputs, (((9, 9, 9), (9, 9, 8)),))
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", iterations=1),))
    model = ScriptedModel([reply_with(IDENTITY)])
    solve(config, {0: model}, task=secret)
    assert "9 9 8" not in model.calls[0].prompt
    assert "2 3 0\n4 0 0" in model.calls[0].prompt


class Hanging(ScriptedModel):
    """A model whose call never returns; counts the calls that were cancelled."""

    cancelled = 0

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self.calls.append(Call(list(messages), sample_key))
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        raise AssertionError("not reached")


def test_authentication_error_cancels_the_others_and_propagates() -> None:
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", count=2, iterations=3),))
    hanging = Hanging([])
    models = {0: hanging, 1: ScriptedModel([AuthenticationError("401", status_code=401)])}
    with pytest.raises(AuthenticationError):
        solve(config, models)
    assert hanging.cancelled == 1


def test_cancelling_solve_task_cancels_every_expert() -> None:
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", count=3),))
    hanging = Hanging([])

    async def main() -> None:
        job = asyncio.create_task(
            solve_task(
                flip_task(), config, client_for=lambda s: hanging, sandbox=InProcessSandbox()
            )
        )
        for _ in range(100):
            if len(hanging.calls) == 3:
                break
            await asyncio.sleep(0)
        assert len(hanging.calls) == 3
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    asyncio.run(main())
    assert hanging.cancelled == 3


def test_bad_template_fails_before_any_call(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("{{train_examples}}")
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", prompt=str(bad)),))
    model = ScriptedModel([])
    with pytest.raises(ConfigError, match="lacks"):
        asyncio.run(
            solve_task(flip_task(), config, client_for=lambda s: model, sandbox=InProcessSandbox())
        )
    assert model.calls == []


def test_result_round_trips_through_json() -> None:
    config = SolverConfig(experts=(ExpertConfig(model="fake/a", count=2, iterations=2),))
    models = {
        0: ScriptedModel([reply_with(IDENTITY), "prose only"]),
        1: ScriptedModel([reply_with("def transform(g):\n    return 1 / 0")] * 2),
    }
    result = solve(config, models)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["attempts"][0]["attempt_1"] == [[2, 3, 0], [4, 0, 0]]
    assert data["experts"][1]["iterations"][0]["train_outcomes"][0]["failure"]["kind"] == (
        "exception"
    )
    assert TaskResult.from_dict(data) == result


def test_config_from_document_and_expansion() -> None:
    doc = {
        "models": {"x": {}},
        "run": {"limit": 3},
        "solver": {"grid_format": "json", "prompts": {"openai/*": "solver-2"}},
        "experts": [{"model": "openai/gpt-5", "count": 2}, {"model": "xai/grok-4", "seed": 5}],
    }
    config = SolverConfig.from_document(doc)
    specs = expand_experts(config, "t1")
    assert [(s.index, s.seed, s.model, s.prompt) for s in specs] == [
        (0, 0, "openai/gpt-5", "solver-2"),
        (1, 1, "openai/gpt-5", "solver-2"),
        (2, 7, "xai/grok-4", "solver-1"),
    ]
    assert all(s.task_id == "t1" for s in specs)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"experts": [{"model": "m", "iterationz": 3}]}, r"^experts\.0\.iterationz: Extra inputs"),
        ({"experts": [{"model": "m", "count": 0}]}, r"^experts\.0\.count: "),
        ({"experts": []}, r"^experts: "),
        ({"experts": [{"model": "m"}], "solver": {"grid_format": "hex"}}, r"^grid_format: "),
        ({"experts": [{"model": "m"}], "solver": 3}, r"^solver: must be a table"),
    ],
)
def test_config_errors_name_the_key(doc: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SolverConfig.from_document(doc)


def test_backfill_gives_a_single_search_expert_a_second_attempt() -> None:
    search = FakeSearch([Found("identity", IDENTITY), Found("mirror", FLIP)])
    config = SolverConfig(experts=(ExpertConfig(model="local/search", iterations=2),))
    result = solve(config, {}, search=search)
    assert result.attempts[0].attempt_1 == FLIPPED_TEST
    assert result.attempts[0].attempt_2 is not None
    assert result.attempts[0].attempt_2 != FLIPPED_TEST
    faithful = SolverConfig(experts=config.experts, backfill_attempts=False)
    again = solve(
        faithful, {}, search=FakeSearch([Found("identity", IDENTITY), Found("mirror", FLIP)])
    )
    assert again.attempts[0].attempt_1 == FLIPPED_TEST
    assert again.attempts[0].attempt_2 is None
