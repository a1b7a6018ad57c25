"""One LLM expert's refinement loop on one task.

For iteration k = 1..``iterations``:

1. A ``random.Random`` seeded from (task id, expert seed, k) shuffles the train pairs (when
   ``shuffle_examples``; each pair keeps its number from the task as its label) and then keeps
   each earlier program with probability ``selection_probability``.
2. Of the kept earlier programs, the ``max_solutions`` best by train score (later iteration first
   on ties) are shown, worst first when ``improving_order`` (so the best sits nearest the
   question), else best first, each with its code, feedback and score.
3. The model is called with one user message and the sample key
   ``task=<id>/expert=<index>/seed=<seed>/iteration=<k>``, so the same config replays exactly.
4. The program is extracted; an extraction failure becomes the iteration's feedback (score 0).
   Otherwise it runs in the sandbox on every train and test input at once and is scored.
5. A program that solves every train pair ends the loop.

With cache-friendly prompts (``[solver] cache_friendly_prompts``) each prompt extends the one
before it wherever it can: the train pairs are shuffled once per expert (by a generator seeded
from task id and expert seed, so experts still differ), the kept programs are shown in the
order they were written, and the prompt is sent as several user messages (``solver_turns``),
so a provider's prompt cache can reuse all but the last one.

When the ensemble's vote settles (the ``settled`` event), the loop starts no new call and
stops with ``stop = "settled"``; a call in flight is awaited and scored, or cancelled when
``cancel_in_flight`` (the iterations made so far are kept either way).

The expert offers the best-scoring iteration (with ``return_best``; ties go to one with test
outputs, then to the later one), else its last iteration.

A ``BudgetExceededError`` or a ``ProviderError`` from the model ends the loop cleanly with what
the expert has; ``AuthenticationError`` and ``ProviderOutageError`` propagate, because the
whole run must stop.

Not here: retries, rate limits, budgets and temperature (the ``ModelClient`` the caller binds),
program isolation (the ``Sandbox``), the offline search expert (``search_expert``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from arcloop.arc.task import Task
from arcloop.errors import (
    AuthenticationError,
    BudgetExceededError,
    ProviderError,
    ProviderOutageError,
    SandboxError,
)
from arcloop.llm.types import Completion, Message, ModelClient
from arcloop.prompts import EarlierProgram, Template, solver_prompt, solver_turns
from arcloop.prompts.task_text import GridFormat
from arcloop.sandbox.types import Outcome, Sandbox
from arcloop.solver.config import ExpertConfig, ExpertSpec
from arcloop.solver.extract import extract_program
from arcloop.solver.feedback import evaluate, extraction_feedback
from arcloop.solver.results import ExpertResult, Iteration, StopReason

logger = logging.getLogger(__name__)


def sample_key(task_id: str, spec: ExpertSpec, iteration: int) -> str:
    """The sample key of one model call: fixed by task, expert and iteration.

    >>> from arcloop.solver.config import ExpertConfig
    >>> spec = ExpertSpec(3, 3, ExpertConfig(model="m"), "1a2b", "solver-1")
    >>> sample_key("1a2b", spec, 2)
    'task=1a2b/expert=3/seed=3/iteration=2'
    """
    return f"task={task_id}/expert={spec.index}/seed={spec.seed}/iteration={iteration}"


@dataclass(frozen=True, slots=True)
class SampleKey:
    """What a sample key names (see ``sample_key``); ``seed`` is None in keys written before
    seeds were part of them."""

    task_id: str
    expert: int
    seed: int | None
    iteration: int


_SAMPLE_KEY = re.compile(r"task=(?P<task>.+)/expert=(\d+)(?:/seed=(-?\d+))?/iteration=(\d+)")


def parse_sample_key(key: str) -> SampleKey | None:
    """The inverse of ``sample_key``; None for a key the solver did not write.

    >>> parse_sample_key("task=1a2b/expert=3/seed=3/iteration=2")
    SampleKey(task_id='1a2b', expert=3, seed=3, iteration=2)
    >>> parse_sample_key("probe") is None
    True
    """
    found = _SAMPLE_KEY.fullmatch(key)
    if found is None:
        return None
    task, expert, seed, iteration = found.groups()
    return SampleKey(task, int(expert), None if seed is None else int(seed), int(iteration))


def iteration_rng(task_id: str, seed: int, iteration: int) -> random.Random:
    """The random generator of one iteration (string seeds are stable across processes)."""
    return random.Random(f"arcloop/{task_id}/{seed}/{iteration}")


def select_earlier(
    iterations: Sequence[Iteration],
    config: ExpertConfig,
    rng: random.Random,
    *,
    in_written_order: bool = False,
) -> list[Iteration]:
    """The earlier iterations to show in the next prompt, in the order to show them (by score,
    or in the order they were written when ``in_written_order``)."""
    kept = [it for it in iterations if rng.random() < config.selection_probability]
    best = sorted(kept, key=lambda it: (it.train_score, it.number), reverse=True)
    best = best[: config.max_solutions]
    if in_written_order:
        return sorted(best, key=lambda it: it.number)
    if config.improving_order:
        best.reverse()
    return best


def train_order(task: Task, spec: ExpertSpec, rng: random.Random, *, once: bool) -> list[int]:
    """The train pairs' indices in the order a prompt shows them: shuffled by the iteration's
    ``rng``, or once per expert when ``once`` (cache-friendly prompts; ``rng`` is not used)."""
    order = list(range(len(task.train)))
    if spec.config.shuffle_examples:
        (iteration_rng(task.id, spec.seed, 0) if once else rng).shuffle(order)
    return order


async def _answer(
    client: ModelClient,
    messages: list[Message],
    *,
    key: str,
    settled: asyncio.Event | None,
    cancel_in_flight: bool,
) -> Completion | None:
    """The model's answer; None when the vote settled first and ``cancel_in_flight``."""
    if settled is None or not cancel_in_flight:
        return await client.complete(messages, sample_key=key)
    call = asyncio.ensure_future(client.complete(messages, sample_key=key))
    waiter = asyncio.ensure_future(settled.wait())
    try:
        await asyncio.wait({call, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not call.done():
            call.cancel()
        await asyncio.gather(call, waiter, return_exceptions=True)
    if call.cancelled():
        return None
    return call.result()


def choose_iteration(iterations: Sequence[Iteration], *, return_best: bool) -> int | None:
    """The number of the iteration an expert offers to the vote (None when there is none)."""
    if not iterations:
        return None
    if not return_best:
        return iterations[-1].number
    best = max(
        iterations,
        key=lambda it: (it.train_score, any(g is not None for g in it.test_grids), it.number),
    )
    return best.number


async def run_program(
    sandbox: Sandbox, code: str, task: Task
) -> tuple[tuple[Outcome, ...], tuple[Outcome, ...]]:
    """Run ``code`` on every train and test input at once; (train outcomes, test outcomes).

    Raises:
        SandboxError: the sandbox answered with the wrong number of outcomes.
    """
    inputs = [p.input for p in task.train] + list(task.test_inputs)
    outcomes = await sandbox.run(code, inputs)
    if len(outcomes) != len(inputs):
        raise SandboxError(
            f"the sandbox returned {len(outcomes)} outcomes for {len(inputs)} inputs"
        )
    n = len(task.train)
    return tuple(outcomes[:n]), tuple(outcomes[n:])


async def scored_iteration(
    *,
    number: int,
    code: str,
    extraction_error: str | None,
    task: Task,
    sandbox: Sandbox,
    prompt: str = "",
    program_name: str | None = None,
    shown_order: tuple[int, ...] = (),
    shown_solutions: tuple[int, ...] = (),
    completion: Completion | None = None,
) -> Iteration:
    """Run (when there is a program) and score one candidate, and record it as an iteration."""
    if extraction_error is None:
        train, test = await run_program(sandbox, code, task)
        evaluation = evaluate(train, [p.output for p in task.train])
        feedback, score, passed = evaluation.text(), evaluation.score, evaluation.passed
    else:
        train, test = (), ()
        feedback, score, passed = extraction_feedback(extraction_error), 0.0, False
    iteration = Iteration(
        number=number,
        call_id=None,
        prompt=prompt,
        program_name=program_name,
        shown_order=shown_order,
        shown_solutions=shown_solutions,
        code=code,
        extraction_error=extraction_error,
        train_outcomes=train,
        test_outcomes=test,
        feedback=feedback,
        train_score=score,
        passed=passed,
    )
    if completion is None:
        return iteration
    return replace(
        iteration,
        call_id=completion.call_id,
        usage=completion.usage,
        replayed=completion.replayed,
    )


async def run_llm_expert(
    spec: ExpertSpec,
    task: Task,
    *,
    client: ModelClient,
    sandbox: Sandbox,
    template: Template,
    grid_format: GridFormat = "spaced",
    cache_friendly: bool = False,
    settled: asyncio.Event | None = None,
    cancel_in_flight: bool = False,
) -> ExpertResult:
    """Run one expert's loop on ``task`` (see the module docstring).

    Args:
        spec: the expert.
        task: the task, without its test outputs.
        client: the model, bound by the caller to this expert's model, settings and budgets.
        sandbox: where programs run.
        template: the expert's solver template.
        grid_format: the grid notation of the prompts.
        cache_friendly: make each prompt extend the one before it.
        settled: set by the ensemble when the vote is settled: no new call starts after it.
        cancel_in_flight: cancel a call in flight when ``settled`` is set (else await it).

    Raises:
        AuthenticationError: the provider refused the credentials; the run must stop.
        SandboxError: the sandbox itself failed.
    """
    config = spec.config
    iterations: list[Iteration] = []
    stop: StopReason = "iterations"
    error: str | None = None
    for number in range(1, config.iterations + 1):
        if settled is not None and settled.is_set():
            stop = "settled"
            break
        rng = iteration_rng(task.id, spec.seed, number)
        order = train_order(task, spec, rng, once=cache_friendly)
        earlier = select_earlier(iterations, config, rng, in_written_order=cache_friendly)
        compose = solver_turns if cache_friendly else solver_prompt
        turns = compose(
            template,
            train=[task.train[i] for i in order],
            numbers=[i + 1 for i in order],
            test_inputs=task.test_inputs,
            earlier=[EarlierProgram(it.code, it.feedback, it.train_score) for it in earlier],
            fmt=grid_format,
        )
        texts = [turns] if isinstance(turns, str) else turns
        messages: list[Message] = [{"role": "user", "content": text} for text in texts]
        try:
            completion = await _answer(
                client,
                messages,
                key=sample_key(task.id, spec, number),
                settled=settled,
                cancel_in_flight=cancel_in_flight,
            )
        except (AuthenticationError, ProviderOutageError):
            raise  # the whole run stops
        except BudgetExceededError as exc:
            stop, error = "budget", f"{type(exc).__name__}: {exc}"
            break
        except ProviderError as exc:
            stop, error = "provider_error", f"{type(exc).__name__}: {exc}"
            break
        if completion is None:
            stop = "settled"
            break
        extraction = extract_program(completion.text)
        iteration = await scored_iteration(
            number=number,
            code=extraction.code,
            extraction_error=extraction.error,
            task=task,
            sandbox=sandbox,
            prompt=spec.prompt,
            shown_order=tuple(i + 1 for i in order),
            shown_solutions=tuple(it.number for it in earlier),
            completion=completion,
        )
        iterations.append(iteration)
        logger.debug(
            "%s on task %s, iteration %d: score %.2f%s",
            spec.name,
            task.id,
            number,
            iteration.train_score,
            f" ({extraction.error})" if extraction.error else "",
        )
        if iteration.passed:
            stop = "solved"
            break
    if error is not None:
        logger.info(
            "%s on task %s stopped after %d iterations: %s",
            spec.name,
            task.id,
            len(iterations),
            error,
        )
    return ExpertResult(
        index=spec.index,
        seed=spec.seed,
        model=config.model,
        prompt=spec.prompt,
        iterations=tuple(iterations),
        chosen=choose_iteration(iterations, return_best=config.return_best),
        stop=stop,
        error=error,
        calls=len(iterations),
    )
