"""What goes out per model family, what the journal keeps and replays, and the dollar caps."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from arcloop.errors import CostBudgetExceededError, FatalProviderError
from arcloop.llm import BUILTIN_MODELS, Journal, Message
from tests.fakeprovider import FakeProvider, Fault
from tests.llm.conftest import FakeClock, MakeGateway

# LiteLLM's Gemini path builds a pydantic schema that warns about a ReadOnly TypedDict item;
# the warning is LiteLLM's, harmless, and would otherwise become an error under our settings.
pytestmark = pytest.mark.filterwarnings("ignore:Item.*ReadOnly.*qualifier:UserWarning")

MESSAGES: list[Message] = [
    {"role": "system", "content": "You write Python."},
    {"role": "user", "content": "Solve it."},
]


def _sent(
    fake: FakeProvider,
    make_gateway: MakeGateway,
    model: str,
    props: dict[str, Any] | None = None,
) -> tuple[str, Any]:
    base = fake.openai_base if model.split("/")[0] in {"openai", "xai", "groq"} else fake.url
    gateway = make_gateway(models={model: {"api_base": base}})
    client = gateway.client(model, props=props)
    completion = asyncio.run(client.complete(MESSAGES, sample_key="k"))
    assert completion.text == "ok"
    assert completion.usage.cost_usd > 0
    request = fake.requests[-1]
    return request.path, request.body


@pytest.mark.parametrize("model", [m for m in BUILTIN_MODELS if m.startswith("anthropic/")])
def test_claude_gets_explicit_thinking_and_no_temperature(
    model: str, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    path, body = _sent(fake, make_gateway, model, props={"temperature": 0.3})
    assert path == "/v1/messages"
    assert body["thinking"] == BUILTIN_MODELS[model].props["thinking"]
    assert body["max_tokens"] == BUILTIN_MODELS[model].props["max_tokens"]
    assert "temperature" not in body
    assert body["system"][0]["text"] == "You write Python."


@pytest.mark.parametrize("model", [m for m in BUILTIN_MODELS if m.startswith("openai/gpt-5")])
def test_gpt5_gets_reasoning_effort_and_max_completion_tokens(
    model: str, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    path, body = _sent(fake, make_gateway, model, props={"temperature": 0.3})
    assert path == "/v1/chat/completions"
    assert body["model"] == model.split("/", 1)[1]
    assert body["reasoning_effort"] == "high"
    assert body["max_completion_tokens"] == 128000
    assert "max_tokens" not in body
    assert body["temperature"] == 1.0
    assert body["messages"] == MESSAGES


@pytest.mark.parametrize("model", [m for m in BUILTIN_MODELS if m.startswith("gemini/gemini-3")])
def test_gemini_3_gets_a_thinking_level(
    model: str, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    path, body = _sent(fake, make_gateway, model)
    assert path.endswith(f"/models/{model.split('/', 1)[1]}:generateContent")
    config = body["generationConfig"]
    assert config["thinkingConfig"]["thinkingLevel"] == "high"
    assert "temperature" not in config


@pytest.mark.parametrize("model", [m for m in BUILTIN_MODELS if m.startswith("gemini/gemini-2.5")])
def test_gemini_2_5_gets_an_explicit_thinking_budget(
    model: str, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    _, body = _sent(fake, make_gateway, model)
    budget = BUILTIN_MODELS[model].props["thinking"]["budget_tokens"]
    assert body["generationConfig"]["thinkingConfig"]["thinkingBudget"] == budget


@pytest.mark.parametrize("model", ["xai/grok-4", "xai/grok-4-fast"])
def test_grok_gets_max_tokens_and_no_reasoning_effort(
    model: str, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    _, body = _sent(fake, make_gateway, model)
    assert body["model"] == model.split("/", 1)[1]
    assert body["max_tokens"] == BUILTIN_MODELS[model].props["max_tokens"]
    assert "reasoning_effort" not in body


def test_groq_gpt_oss_gets_reasoning_effort(fake: FakeProvider, make_gateway: MakeGateway) -> None:
    _, body = _sent(fake, make_gateway, "groq/openai/gpt-oss-120b")
    assert body["model"] == "openai/gpt-oss-120b"
    assert body["reasoning_effort"] == "high"


def test_a_local_server_model_sends_its_props_as_is(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(
        models={"openai/fake": {"props": {"temperature": 0.7, "max_tokens": 16000, "seed": 3}}}
    )
    asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="k"))
    body = fake.requests[0].body
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.7, 16000, 3)


def test_unsupported_parameters_are_fatal_and_send_nothing(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(
        models={"openai/gpt-5": {"api_base": fake.openai_base, "props": {"temperature": 0.2}}}
    )
    with pytest.raises(FatalProviderError):
        asyncio.run(gateway.client("openai/gpt-5").complete(MESSAGES, sample_key="k"))
    assert fake.count == 0


def _run_calls(make_gateway: MakeGateway, journal: Journal, keys: list[str]) -> list[Any]:
    gateway = make_gateway(journal=journal)
    client = gateway.client("openai/fake")

    async def calls() -> list[Any]:
        return list(await asyncio.gather(*(client.complete(MESSAGES, sample_key=k) for k in keys)))

    return [*asyncio.run(calls()), gateway.stats()]


def test_journal_records_every_call_and_a_second_run_replays_with_zero_requests(
    fake: FakeProvider, make_gateway: MakeGateway, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite"
    keys = ["task=a/expert=0", "task=a/expert=1", "task=b/expert=0"]
    fake.script(Fault.status_code(500))

    *first, first_stats = _run_calls(make_gateway, Journal.open(path), keys)
    assert fake.count == 4
    assert first_stats.usage.cost_usd == pytest.approx(sum(c.usage.cost_usd for c in first))

    with sqlite3.connect(path) as db:  # plain sqlite3 sees everything, failed attempt included
        rows = db.execute(
            "SELECT sample_key, response, cost_usd, attempts, prompt_tokens, cached_tokens,"
            " completion_tokens, reasoning_tokens, model, messages, settings FROM calls"
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(keys)
    assert {r[1] for r in rows} == {"ok"}
    assert sum(r[2] for r in rows) == pytest.approx(first_stats.usage.cost_usd)
    assert sorted(r[3] for r in rows) == [1, 1, 2]
    assert {r[4:8] for r in rows} == {(100, 20, 50, 10)}

    *second, second_stats = _run_calls(make_gateway, Journal.open(path), keys)
    assert fake.count == 4  # nothing sent
    assert all(c.replayed and c.usage.cost_usd == 0 for c in second)
    assert [c.call_id for c in second] == [c.call_id for c in first]
    assert [c.text for c in second] == [c.text for c in first]
    assert second_stats.replayed_calls == 3 and second_stats.requests == 0
    assert second_stats.usage.cost_usd == 0

    *_, third_stats = _run_calls(make_gateway, Journal.open(path), ["task=c/expert=0"])
    assert third_stats.requests == 1 and fake.count == 5  # a new sample key is a new sample


def test_failed_calls_are_journaled_and_not_replayed(
    fake: FakeProvider, make_gateway: MakeGateway, tmp_path: Path
) -> None:
    journal = Journal.open(tmp_path / "j.sqlite")
    fake.script(Fault.bad_request())
    gateway = make_gateway(journal=journal)
    with pytest.raises(FatalProviderError):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="k"))
    row = journal.connection.execute(
        "SELECT response, error_class, status_code, attempts FROM calls"
    ).fetchone()
    assert tuple(row) == (None, "FatalProviderError", 400, 1)
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="k"))
    assert not completion.replayed and fake.count == 2


def test_a_row_is_visible_to_another_connection_as_soon_as_its_call_ends(
    fake: FakeProvider, make_gateway: MakeGateway, tmp_path: Path
) -> None:
    path = tmp_path / "j.sqlite"
    gateway = make_gateway(journal=Journal.open(path))
    reader = sqlite3.connect(path)
    for i in range(3):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key=str(i)))
        assert reader.execute("SELECT count(*) FROM calls").fetchone()[0] == i + 1
    reader.close()


def test_run_cost_cap_is_checked_before_each_call(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(max_run_cost_usd=0.001)  # each call costs $0.0006025
    client = gateway.client("openai/fake")
    asyncio.run(client.complete(MESSAGES, sample_key="1"))
    asyncio.run(client.complete(MESSAGES, sample_key="2"))
    with pytest.raises(CostBudgetExceededError, match="run cost cap"):
        asyncio.run(client.complete(MESSAGES, sample_key="3"))
    assert fake.count == 2


def test_run_cost_cap_counts_what_the_journal_already_spent(
    fake: FakeProvider, make_gateway: MakeGateway, tmp_path: Path
) -> None:
    path = tmp_path / "j.sqlite"
    _run_calls(make_gateway, Journal.open(path), ["1", "2"])
    gateway = make_gateway(journal=Journal.open(path), max_run_cost_usd=0.001)
    with pytest.raises(CostBudgetExceededError):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="3"))
    replay = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="1"))
    assert replay.replayed  # replays are free, so a spent cap does not block them


def test_task_cost_cap_is_per_caller(fake: FakeProvider, make_gateway: MakeGateway) -> None:
    gateway = make_gateway()
    capped = gateway.client("openai/fake", budget=gateway.budget(max_cost_usd=0.0005))
    other = gateway.client("openai/fake", budget=gateway.budget(max_cost_usd=0.0005))
    asyncio.run(capped.complete(MESSAGES, sample_key="1"))
    with pytest.raises(CostBudgetExceededError, match="task cost cap"):
        asyncio.run(capped.complete(MESSAGES, sample_key="2"))
    asyncio.run(other.complete(MESSAGES, sample_key="3"))
    assert fake.count == 2


def test_stats_count_in_flight_calls(fake: FakeProvider, make_gateway: MakeGateway) -> None:
    gateway = make_gateway()
    fake.script(Fault.hang(0.3))

    async def watch() -> int:
        task = asyncio.create_task(gateway.client("openai/fake").complete(MESSAGES, sample_key="1"))
        while gateway.stats().in_flight == 0:
            await asyncio.sleep(0.01)
        seen = gateway.stats().in_flight
        await task
        return seen

    assert asyncio.run(watch()) == 1
    assert gateway.stats().in_flight == 0


def test_client_props_override_the_models_and_none_removes_a_key(
    fake: FakeProvider, make_gateway: MakeGateway, tmp_path: Path
) -> None:
    gateway = make_gateway(
        models={"openai/fake": {"props": {"temperature": 1.0, "seed": 3}}},
        journal=Journal.open(tmp_path / "j.sqlite"),
    )
    warm = gateway.client("openai/fake", props={"temperature": 0.2, "seed": None})
    asyncio.run(warm.complete(MESSAGES, sample_key="k"))
    assert fake.requests[0].body["temperature"] == 0.2
    assert "seed" not in fake.requests[0].body
    # different settings are a different sample, even under the same sample key
    plain = gateway.client("openai/fake")
    asyncio.run(plain.complete(MESSAGES, sample_key="k"))
    assert fake.requests[1].body["temperature"] == 1.0
    assert fake.count == 2


@pytest.mark.parametrize("model", ["anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"])
def test_retry_after_is_read_on_the_anthropic_and_gemini_paths_too(
    model: str, fake: FakeProvider, make_gateway: MakeGateway, clock: FakeClock
) -> None:
    gateway = make_gateway(models={model: {"api_base": fake.url}})
    fake.script(Fault.rate_limited(retry_after="9"))
    completion = asyncio.run(gateway.client(model).complete(MESSAGES, sample_key="k"))
    assert completion.attempts == 1 and fake.count == 2
    assert clock.sleeps[0] == pytest.approx(9.0, abs=0.01)


def test_claude_gets_cache_breakpoints_on_a_prompt_of_several_messages(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    model = "anthropic/claude-sonnet-4-5"
    gateway = make_gateway(models={model: {"api_base": fake.url}})
    turns: list[Message] = [
        {"role": "user", "content": text} for text in ("the task", "program 1", "improve it")
    ]
    completion = asyncio.run(gateway.client(model).complete(turns, sample_key="k"))
    blocks = [
        block
        for message in fake.requests[-1].body["messages"]
        for block in (
            message["content"]
            if isinstance(message["content"], list)
            else [{"text": message["content"]}]
        )
    ]
    assert [b["text"] for b in blocks] == ["the task", "program 1", "improve it"]
    marked = [b["text"] for b in blocks if b.get("cache_control") == {"type": "ephemeral"}]
    assert marked == ["the task", "program 1"]
    # the provider's cache reads come back as cached tokens, priced at the cached price
    price = BUILTIN_MODELS[model].price
    assert price is not None and price.cached_input is not None
    assert completion.usage.cached_tokens == 20
    assert completion.usage.cost_usd == pytest.approx(
        price.cost(prompt_tokens=100, cached_tokens=20, completion_tokens=50)
    )


def test_a_single_message_gets_no_cache_breakpoint(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    _, body = _sent(fake, make_gateway, "anthropic/claude-sonnet-4-5")
    assert "cache_control" not in str(body["messages"])
