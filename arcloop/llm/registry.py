"""The model registry: which settings, limits and prices each model string gets.

A model is named by its LiteLLM string (``"openai/gpt-5"``, ``"gemini/gemini-3-pro-preview"``,
``"openai/my-vllm"`` with an ``api_base``). Built-in entries carry provider-native settings
(Claude gets an explicit thinking budget and no temperature, gpt-5 gets ``temperature=1`` and a
reasoning effort, Gemini 3 gets a reasoning effort) and prices taken on ``PRICES_AS_OF`` from
LiteLLM 1.110.2's bundled price map, or from the providers' list prices where that map had no
entry for the exact name. Our table, not LiteLLM's, is the source of truth for cost.

Config files add or override entries under ``[models."<name or glob>"]``: globs
(``"gemini/*"``) apply first, exact names after them (exact beats glob), and within each kind
later files win. Only the keys a file sets are changed; ``props`` is merged key by key, ``price``
is replaced whole.

Deliberately left out: reading TOML (the config layer hands us its ``models`` table), tiered
prices above 200k prompt tokens and cache-write surcharges (we bill the base tier), and any
knowledge of what the models are used for.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arcloop.errors import ConfigError, PriceMissingError

PRICES_AS_OF = date(2026, 11, 25)
"""The day the built-in prices were taken."""


class Price(BaseModel):
    """USD per million tokens.

    Attributes:
        input: uncached prompt tokens.
        cached_input: prompt tokens read from the provider's cache (``input`` when unset).
        output: completion tokens, reasoning tokens included.
        as_of: the day the price was taken, when known.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    output: float = Field(ge=0)
    as_of: date | None = None

    def cost(self, *, prompt_tokens: int, cached_tokens: int, completion_tokens: int) -> float:
        """Return the USD cost of one call's usage.

        >>> Price(input=2, cached_input=0.2, output=12).cost(
        ...     prompt_tokens=1_000_000, cached_tokens=500_000, completion_tokens=0)
        1.1
        """
        cached = min(max(cached_tokens, 0), prompt_tokens)
        cached_price = self.input if self.cached_input is None else self.cached_input
        total = (
            (prompt_tokens - cached) * self.input
            + cached * cached_price
            + completion_tokens * self.output
        )
        return round(total / 1_000_000, 10)


class ModelSpec(BaseModel):
    """Everything arcloop needs to call one model; the ``[models."..."]`` config contract.

    Attributes:
        api_base: the server to call instead of the provider's default (vLLM, Ollama, ...).
        api_key_env: environment variable holding the key; the provider's usual one when unset.
        rate: requests per second the gate lets through on average.
        burst: requests the gate lets through at once after a quiet spell.
        max_in_flight: requests in flight at once.
        request_timeout: seconds one request may take.
        price: USD per million tokens; ``None`` means unknown, and the model refuses to start.
        props: provider-native settings sent as is with every request.
        temperature_rule: whether a caller may set the temperature: ``"adjustable"``;
            ``"fixed"`` (the model takes only the value in ``props``, e.g. gpt-5 at 1);
            ``"unsupported"`` (none may be sent, e.g. Claude with extended thinking). A caller's
            temperature for a fixed or unsupported model is dropped, not sent to fail.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_base: str | None = None
    api_key_env: str | None = None
    rate: float = Field(default=2.0, gt=0)
    burst: int = Field(default=4, ge=1)
    max_in_flight: int = Field(default=32, ge=1)
    request_timeout: float = Field(default=900.0, gt=0)
    price: Price | None = None
    props: dict[str, Any] = Field(default_factory=dict)
    temperature_rule: Literal["adjustable", "fixed", "unsupported"] = "adjustable"

    def caller_props(self, props: Mapping[str, Any] | None) -> dict[str, Any]:
        """A caller's settings with what this model refuses removed (see ``temperature_rule``).

        >>> ModelSpec(temperature_rule="fixed").caller_props({"temperature": 0.2, "seed": 1})
        {'seed': 1}
        """
        out = dict(props or {})
        if self.temperature_rule != "adjustable":
            out.pop("temperature", None)
        return out


def _price(input_: float, cached: float, output: float) -> Price:
    return Price(input=input_, cached_input=cached, output=output, as_of=PRICES_AS_OF)


def _claude(budget: int, max_tokens: int) -> dict[str, Any]:
    # LiteLLM maps reasoning_effort to a small budget and forwards temperature next to
    # thinking, which Anthropic rejects: explicit thinking and no temperature.
    return {"thinking": {"type": "enabled", "budget_tokens": budget}, "max_tokens": max_tokens}


def _gpt5(effort: str = "high") -> dict[str, Any]:
    # Any temperature other than 1 is refused client-side for the gpt-5 family.
    return {"temperature": 1.0, "reasoning_effort": effort, "max_completion_tokens": 128000}


def _gemini3(effort: str = "high") -> dict[str, Any]:
    # reasoning_effort becomes thinkingLevel on Gemini 3; Google keeps the default
    # temperature (1.0) for Gemini 3 and plans to remove the sampling knobs, so none is sent.
    return {"reasoning_effort": effort, "max_tokens": 65536}


def _gemini25(budget: int) -> dict[str, Any]:
    # reasoning_effort="high" would be only 4096 tokens: ask for the budget explicitly.
    return {
        "temperature": 1.0,
        "thinking": {"type": "enabled", "budget_tokens": budget},
        "max_tokens": 65536,
    }


BUILTIN_MODELS: Mapping[str, ModelSpec] = {
    # Gemini. gemini-3-pro-preview is missing from LiteLLM's map under this name (it would
    # silently cost $0); its price is the base tier of Google's list (<= 200k prompt tokens).
    "gemini/gemini-3-pro-preview": ModelSpec(
        rate=2.0, burst=4, max_in_flight=32, price=_price(2.0, 0.2, 12.0), props=_gemini3()
    ),
    "gemini/gemini-3.1-pro-preview": ModelSpec(
        rate=2.0, burst=4, max_in_flight=32, price=_price(2.0, 0.2, 12.0), props=_gemini3()
    ),
    "gemini/gemini-3-flash-preview": ModelSpec(
        rate=4.0, burst=8, max_in_flight=64, price=_price(0.5, 0.05, 3.0), props=_gemini3()
    ),
    "gemini/gemini-2.5-pro": ModelSpec(
        rate=2.0,
        burst=4,
        max_in_flight=32,
        price=_price(1.25, 0.125, 10.0),
        props=_gemini25(32768),
    ),
    "gemini/gemini-2.5-flash": ModelSpec(
        rate=4.0,
        burst=8,
        max_in_flight=64,
        price=_price(0.3, 0.03, 2.5),
        props=_gemini25(24576),
    ),
    # OpenAI.
    "openai/gpt-5": ModelSpec(
        price=_price(1.25, 0.125, 10.0), props=_gpt5(), temperature_rule="fixed"
    ),
    "openai/gpt-5.1": ModelSpec(
        price=_price(1.25, 0.125, 10.0), props=_gpt5(), temperature_rule="fixed"
    ),
    "openai/gpt-5.2": ModelSpec(
        price=_price(1.75, 0.175, 14.0), props=_gpt5(), temperature_rule="fixed"
    ),
    "openai/gpt-5.5": ModelSpec(
        price=_price(5.0, 0.5, 30.0), props=_gpt5(), temperature_rule="fixed"
    ),
    "openai/gpt-5-mini": ModelSpec(
        rate=4.0,
        burst=8,
        max_in_flight=64,
        price=_price(0.25, 0.025, 2.0),
        props=_gpt5(),
        temperature_rule="fixed",
    ),
    # Anthropic.
    "anthropic/claude-sonnet-4-5": ModelSpec(
        price=_price(3.0, 0.3, 15.0), props=_claude(32000, 64000), temperature_rule="unsupported"
    ),
    "anthropic/claude-sonnet-4-6": ModelSpec(
        price=_price(3.0, 0.3, 15.0), props=_claude(32000, 64000), temperature_rule="unsupported"
    ),
    "anthropic/claude-haiku-4-5": ModelSpec(
        rate=4.0,
        burst=8,
        price=_price(1.0, 0.1, 5.0),
        props=_claude(16000, 32000),
        temperature_rule="unsupported",
    ),
    "anthropic/claude-opus-4-5": ModelSpec(
        price=_price(5.0, 0.5, 25.0), props=_claude(32000, 64000), temperature_rule="unsupported"
    ),
    # xAI: grok-4 and grok-4-fast are absent from LiteLLM's map under these names; prices are
    # xAI's list prices (grok-4-fast: the <= 128k prompt tier). Grok 4 always reasons and
    # refuses reasoning_effort.
    "xai/grok-4": ModelSpec(price=_price(3.0, 0.75, 15.0), props={"max_tokens": 64000}),
    "xai/grok-4-fast": ModelSpec(
        rate=4.0, burst=8, price=_price(0.2, 0.05, 0.5), props={"max_tokens": 30000}
    ),
    # Groq.
    "groq/openai/gpt-oss-120b": ModelSpec(
        rate=1.0,
        burst=2,
        max_in_flight=8,
        price=_price(0.15, 0.075, 0.6),
        props={"temperature": 1.0, "reasoning_effort": "high", "max_tokens": 65536},
    ),
    # DeepSeek.
    "deepseek/deepseek-reasoner": ModelSpec(
        price=_price(0.28, 0.028, 0.42), props={"max_tokens": 65536}
    ),
}
"""Built-in entries. Prices in USD per million tokens, taken on ``PRICES_AS_OF``."""


def parse_models_table(table: Mapping[str, Any], *, source: str = "config") -> dict[str, ModelSpec]:
    """Validate a config's ``models`` table; keys are model names or globs.

    Only the keys each entry sets count as overrides (``ModelSpec.model_fields_set``).

    Raises:
        ConfigError: an entry is not a table, has an unknown key or a bad value; the message
            names the key path, e.g. ``models."openai/x".prce``.
    """
    parsed: dict[str, ModelSpec] = {}
    for name, entry in table.items():
        where = f'models."{name}"'
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{source}: {where} must be a table")
        try:
            parsed[name] = ModelSpec.model_validate(dict(entry))
        except ValidationError as e:
            problems = []
            for err in e.errors():
                path = ".".join([where, *(str(p) for p in err["loc"])])
                problems.append(f"{path}: {err['msg']}")
            raise ConfigError(f"{source}: " + "; ".join(problems)) from None
    return parsed


def is_local(api_base: str) -> bool:
    """True when an ``api_base`` is this machine or a private network (no DNS lookup).

    >>> is_local("http://127.0.0.1:8000/v1"), is_local("http://192.168.1.9/v1")
    (True, True)
    >>> is_local("http://localhost:11434"), is_local("https://api.openai.com/v1")
    (True, False)
    """
    host = urlsplit(api_base if "://" in api_base else f"//{api_base}").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def price_missing_message(name: str) -> str:
    """Why ``name`` cannot run, with the two ways to give its price (a valid TOML snippet)."""
    return (
        f"model {name!r} has no known price, so its cost cannot be counted. Give it with"
        " --price INPUT,OUTPUT[,CACHED] (USD per 1M tokens), or in a config file:\n\n"
        f'[models."{name}"]\n'
        "price = { input = 1.25, cached_input = 0.125, output = 10.0 }  # USD per 1M tokens\n\n"
        "(0 declares a free model; a model whose api_base is on this machine or a private"
        " network is free without it)"
    )


def _is_glob(name: str) -> bool:
    return any(ch in name for ch in "*?[")


def _merge(base: ModelSpec, override: ModelSpec) -> ModelSpec:
    update: dict[str, Any] = {}
    for field in override.model_fields_set:
        value = getattr(override, field)
        update[field] = {**base.props, **value} if field == "props" else value
    return base.model_copy(update=update)


class Registry:
    """Resolves a model string to its ``ModelSpec`` from built-ins and config overrides."""

    def __init__(
        self,
        *,
        overrides: Sequence[Mapping[str, ModelSpec]] = (),
        builtins: Mapping[str, ModelSpec] = BUILTIN_MODELS,
    ) -> None:
        """Build a registry.

        Args:
            overrides: parsed ``models`` tables (see ``parse_models_table``), earliest first.
            builtins: the built-in entries; tests may pass their own.
        """
        self._builtins = dict(builtins)
        self._overrides = [dict(layer) for layer in overrides]

    @classmethod
    def from_config(
        cls, *tables: Mapping[str, Any], builtins: Mapping[str, ModelSpec] = BUILTIN_MODELS
    ) -> Registry:
        """Build a registry from raw ``models`` tables of config files, earliest first."""
        layers = [parse_models_table(t, source=f"config #{i + 1}") for i, t in enumerate(tables)]
        return cls(overrides=layers, builtins=builtins)

    def resolve(self, name: str) -> ModelSpec:
        """Return the spec for ``name``: built-in (or defaults), then globs, then exact entries."""
        spec = self._builtins.get(name, ModelSpec())
        for exact in (False, True):
            for layer in self._overrides:
                for pattern, override in layer.items():
                    if _is_glob(pattern) == exact:
                        continue
                    if pattern == name or (not exact and fnmatch.fnmatchcase(name, pattern)):
                        spec = _merge(spec, override)
        return spec

    def require(self, name: str) -> ModelSpec:
        """Return the spec for ``name``, refusing a model whose price is unknown.

        A model with no price whose ``api_base`` is on this machine or a private network (a
        vLLM, Ollama or LM Studio server) costs nothing: it is priced at 0 (``free_local``
        says so, for a notice).

        Raises:
            PriceMissingError: no built-in or configured price (0 is a valid declaration).
        """
        spec = self.resolve(name)
        if spec.price is None:
            if self.free_local(name):
                return spec.model_copy(update={"price": Price(input=0.0, output=0.0)})
            raise PriceMissingError(price_missing_message(name))
        return spec

    def free_local(self, name: str) -> bool:
        """True when ``name`` has no price and its ``api_base`` is a local or private address."""
        spec = self.resolve(name)
        return spec.price is None and spec.api_base is not None and is_local(spec.api_base)

    def names(self) -> list[str]:
        """Return built-in names and exact configured names, sorted."""
        configured = {n for layer in self._overrides for n in layer if not _is_glob(n)}
        return sorted(set(self._builtins) | configured)


class ModelRow(BaseModel):
    """One line of ``arcloop models``; the limits are None for a model that makes no requests
    (the offline search)."""

    model_config = ConfigDict(frozen=True)

    name: str
    rate: float | None
    burst: int | None
    max_in_flight: int | None
    request_timeout: float | None
    input_price: float | None
    cached_input_price: float | None
    output_price: float | None
    price_as_of: date | None
    api_base: str | None
    props: dict[str, Any]


def model_rows(registry: Registry, names: Iterable[str] | None = None) -> list[ModelRow]:
    """Return the rows ``arcloop models`` prints, one per model, in name order.

    Args:
        registry: the resolved registry (built-ins plus config overrides).
        names: models to show; every known name when ``None``.
    """
    rows = []
    for name in sorted(registry.names() if names is None else names):
        spec = registry.resolve(name)
        price = spec.price
        rows.append(
            ModelRow(
                name=name,
                rate=spec.rate,
                burst=spec.burst,
                max_in_flight=spec.max_in_flight,
                request_timeout=spec.request_timeout,
                input_price=None if price is None else price.input,
                cached_input_price=None
                if price is None
                else (price.input if price.cached_input is None else price.cached_input),
                output_price=None if price is None else price.output,
                price_as_of=None if price is None else price.as_of,
                api_base=spec.api_base,
                props=dict(spec.props),
            )
        )
    return rows
