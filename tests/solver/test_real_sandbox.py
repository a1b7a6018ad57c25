"""The solver with the real sandbox (and the real search): the fakes agree with the real thing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from arcloop.arc.dataset import find_task
from arcloop.prompts import load_solver_template
from arcloop.sandbox import ProcessSandbox, SandboxConfig
from arcloop.solver import ExpertConfig, ExpertSpec, SolverConfig, run_llm_expert, solve_task
from tests.solver.fakes import FLIP, IDENTITY, ScriptedModel, flip_task, reply_with

RAISES = "def transform(grid):\n    rows = len(grid)\n    return [[1 // (rows - rows)]]\n"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ProcessSandbox]:
    box = ProcessSandbox(SandboxConfig(timeout_s=5.0, warm_processes=1))
    try:
        box.start()
        yield box
    finally:
        box.close()


def test_right_on_iteration_3_stops_at_3(sandbox: ProcessSandbox) -> None:
    model = ScriptedModel([reply_with(IDENTITY), reply_with(RAISES), reply_with(FLIP), "unused"])
    spec = ExpertSpec(0, 0, ExpertConfig(model="fake/model"), "flip", "solver-1")
    result = asyncio.run(
        run_llm_expert(
            spec,
            flip_task(),
            client=model,
            sandbox=sandbox,
            template=load_solver_template("solver-1"),
        )
    )
    assert len(model.calls) == 3
    assert result.stop == "solved"
    assert result.test_outputs == (((0, 3, 2), (0, 0, 4)),)
    crash = result.iterations[1]
    assert crash.train_outcomes[0].failure is not None
    assert "Example 1: the program failed (exception): ZeroDivisionError" in crash.feedback
    assert "line 3" in crash.feedback
    assert crash.feedback in model.calls[2].prompt


def test_a_mixed_ensemble_with_the_real_search(sandbox: ProcessSandbox) -> None:
    task = find_task("3c9b0459")  # ARC-AGI-1 training: rotate by 180 degrees
    assert task.test_outputs is not None
    config = SolverConfig(
        experts=(
            ExpertConfig(model="local/search", iterations=3),
            ExpertConfig(model="fake/model", iterations=1),
        )
    )
    model = ScriptedModel([reply_with(IDENTITY)])

    def client_for(spec: ExpertSpec) -> ScriptedModel:
        return model

    result = asyncio.run(solve_task(task, config, client_for=client_for, sandbox=sandbox))
    searched = result.experts[0]
    assert searched.stop == "solved"
    assert searched.iterations[0].program_name == "rotate_180"
    assert result.attempts[0].attempt_1 == task.test_outputs[0]
    assert result.attempts[0].attempt_2 == task.test_inputs[0]  # the identity expert's answer
    assert result.calls == 1
