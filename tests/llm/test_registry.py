"""The model registry: built-ins, config overrides, validation, prices and the models table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from arcloop.errors import ConfigError, PriceMissingError
from arcloop.llm import BUILTIN_MODELS, PRICES_AS_OF, Price, Registry, model_rows

NAMED_IN_ISSUE = [
    "gemini/gemini-3-pro-preview",
    "openai/gpt-5",
    "openai/gpt-5.1",
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-haiku-4-5",
    "gemini/gemini-2.5-pro",
    "xai/grok-4",
    "xai/grok-4-fast",
    "groq/openai/gpt-oss-120b",
]


@pytest.mark.parametrize("name", NAMED_IN_ISSUE)
def test_models_named_in_the_issue_are_built_in_and_priced(name: str) -> None:
    spec = Registry().require(name)
    assert spec.price is not None
    assert spec.price.input > 0 and spec.price.output > 0
    assert spec.price.as_of == PRICES_AS_OF


def _litellm_map() -> dict[str, dict[str, float]]:
    import litellm

    path = Path(litellm.__file__).parent / "model_prices_and_context_window_backup.json"
    data: dict[str, dict[str, float]] = json.loads(path.read_text())
    return data


def test_built_in_prices_agree_with_litellms_bundled_map_where_it_has_the_model() -> None:
    table = _litellm_map()
    compared = 0
    for name, spec in BUILTIN_MODELS.items():
        entry = table.get(name) or table.get(name.split("/", 1)[1])
        if entry is None or spec.price is None:
            continue
        compared += 1
        assert spec.price.input == pytest.approx(entry["input_cost_per_token"] * 1e6), name
        assert spec.price.output == pytest.approx(entry["output_cost_per_token"] * 1e6), name
        if entry.get("cache_read_input_token_cost"):
            assert spec.price.cached_input == pytest.approx(
                entry["cache_read_input_token_cost"] * 1e6
            ), name
    assert compared >= 12


def test_claude_gets_explicit_thinking_and_no_temperature() -> None:
    for name, spec in BUILTIN_MODELS.items():
        if name.startswith("anthropic/"):
            assert spec.props["thinking"]["type"] == "enabled"
            assert spec.props["max_tokens"] > spec.props["thinking"]["budget_tokens"]
            assert "temperature" not in spec.props
            assert "reasoning_effort" not in spec.props


def test_gpt5_family_has_temperature_one() -> None:
    for name, spec in BUILTIN_MODELS.items():
        if name.startswith("openai/gpt-5"):
            assert spec.props["temperature"] == 1.0
            assert spec.props["reasoning_effort"] == "high"


def test_unknown_model_without_price_refuses_to_start() -> None:
    with pytest.raises(PriceMissingError, match=r'models\."openai/my-vllm"'):
        Registry().require("openai/my-vllm")


def test_a_zero_price_is_a_valid_declaration() -> None:
    registry = Registry.from_config(
        {
            "openai/my-vllm": {
                "api_base": "http://127.0.0.1:8000/v1",
                "rate": 10,
                "burst": 10,
                "max_in_flight": 64,
                "request_timeout": 600,
                "price": {"input": 0.0, "cached_input": 0.0, "output": 0.0},
                "props": {"temperature": 0.7, "max_tokens": 16000},
            }
        }
    )
    spec = registry.require("openai/my-vllm")
    assert spec.api_base == "http://127.0.0.1:8000/v1"
    assert (spec.rate, spec.burst, spec.max_in_flight, spec.request_timeout) == (10, 10, 64, 600)
    assert spec.price == Price(input=0, cached_input=0, output=0)
    assert spec.props == {"temperature": 0.7, "max_tokens": 16000}


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ({"openai/x": {"prce": {}}}, 'models."openai/x".prce'),
        (
            {"openai/x": {"price": {"input": 1, "output": 1, "cache": 1}}},
            'models."openai/x".price.cache',
        ),
        ({"openai/x": {"rate": -1}}, 'models."openai/x".rate'),
        ({"openai/x": {"burst": "many"}}, 'models."openai/x".burst'),
    ],
)
def test_config_errors_name_the_key_path(table: dict[str, object], path: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        Registry.from_config(table)
    assert path in str(excinfo.value)


def test_exact_beats_glob_and_later_files_win() -> None:
    first = {
        "gemini/*": {"rate": 1.0, "props": {"seed": 1}},
        "gemini/gemini-2.5-pro": {"rate": 7.0},
    }
    second = {"gemini/*": {"rate": 3.0, "burst": 9}}
    registry = Registry.from_config(first, second)

    pro = registry.resolve("gemini/gemini-2.5-pro")
    assert pro.rate == 7.0  # exact beats any glob, even one in a later file
    assert pro.burst == 9  # the later glob still sets what the exact entry leaves alone
    assert pro.props["seed"] == 1  # props merge key by key...
    assert pro.props["thinking"]["budget_tokens"] == 32768  # ...over the built-in ones
    assert pro.price == BUILTIN_MODELS["gemini/gemini-2.5-pro"].price

    flash = registry.resolve("gemini/gemini-3-flash-preview")
    assert flash.rate == 3.0  # the later file's glob wins over the earlier one

    other = registry.resolve("openai/gpt-5")
    assert other == BUILTIN_MODELS["openai/gpt-5"]


def test_later_exact_entry_wins_over_earlier_exact_entry() -> None:
    registry = Registry.from_config(
        {"openai/gpt-5": {"price": {"input": 9, "output": 9}}},
        {"openai/gpt-5": {"price": {"input": 1, "output": 2, "as_of": "2026-01-02"}}},
    )
    assert registry.resolve("openai/gpt-5").price == Price(
        input=1, output=2, as_of=date(2026, 1, 2)
    )


def test_price_bills_cached_input_at_the_cached_price() -> None:
    price = Price(input=1.25, cached_input=0.125, output=10.0)
    cost = price.cost(prompt_tokens=100, cached_tokens=20, completion_tokens=50)
    assert cost == pytest.approx((80 * 1.25 + 20 * 0.125 + 50 * 10.0) / 1e6)
    assert Price(input=2, output=4).cost(
        prompt_tokens=10, cached_tokens=10, completion_tokens=0
    ) == pytest.approx(20 / 1e6)


def test_model_rows_list_built_ins_and_configured_models_in_order() -> None:
    registry = Registry.from_config(
        {"openai/my-vllm": {"price": {"input": 0, "output": 0}}, "xai/*": {"rate": 0.5}}
    )
    rows = model_rows(registry)
    names = [row.name for row in rows]
    assert names == sorted(names)
    assert "openai/my-vllm" in names and "xai/*" not in names
    assert set(BUILTIN_MODELS) <= set(names)
    grok = next(row for row in rows if row.name == "xai/grok-4")
    assert grok.rate == 0.5
    assert (grok.input_price, grok.cached_input_price, grok.output_price) == (3.0, 0.75, 15.0)
    assert grok.price_as_of == PRICES_AS_OF
    unpriced = model_rows(registry, ["openai/unknown"])[0]
    assert unpriced.input_price is None
