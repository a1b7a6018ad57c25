"""The one place that talks to a provider: a request value in, a reply value out.

``litellm_transport`` (a ``LiteLLMTransport``) sends a request through LiteLLM. LiteLLM is
imported lazily, on the first call and in a worker thread (the import takes seconds), after
forcing its offline settings:
``LITELLM_LOCAL_MODEL_COST_MAP`` (no price-map fetch, stable prices) and
``LITELLM_OFFLINE_MODE``; ``suppress_debug_info`` keeps its banners off stdout. LiteLLM's own
retries are off (``num_retries=0, max_retries=0``): the gateway owns retries.

Prompt caching: OpenAI and Gemini cache a prompt's prefix by themselves; Anthropic caches only
up to the breakpoints a request marks (LiteLLM's ``cache_control``). For an ``anthropic/`` model
sent several messages, ``with_cache_breakpoints`` marks the first message and the one before
the last: a caller whose next prompt repeats every message but the last (the solver's
cache-friendly prompts) then reads both prefixes from the cache. A single message is sent
as it is (a breakpoint costs a cache write, which a prompt that is never repeated does not
repay). The journal records the messages as the caller gave them.

Anything with the ``Transport`` signature can replace it (tests, a cluster proxy). Exceptions
pass through unchanged; ``arcloop.llm.classify`` decides what they mean. Cost is not read from
LiteLLM: the gateway prices usage with the registry's prices.
"""

from __future__ import annotations

import asyncio
import os
import threading
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arcloop.llm.types import Message, Usage

_import_lock = threading.Lock()
_litellm: Any = None


@dataclass(frozen=True, slots=True)
class ProviderRequest:
    """One request to send.

    Attributes:
        model: LiteLLM model string.
        messages: the chat messages.
        settings: provider-native settings, sent as keyword arguments as is.
        api_base: server to call instead of the provider's default.
        api_key: the key, when arcloop reads it (else LiteLLM reads the provider's variable).
        timeout: seconds the request may take.
    """

    model: str
    messages: Sequence[Message]
    settings: Mapping[str, Any] = field(default_factory=dict)
    api_base: str | None = None
    api_key: str | None = None
    timeout: float = 600.0


@dataclass(frozen=True, slots=True)
class ProviderReply:
    """What the provider answered, with its token counts (its ``usage`` has no cost or
    latency yet: the gateway prices the tokens and times the call)."""

    text: str
    usage: Usage = field(default_factory=Usage)


Transport = Callable[[ProviderRequest], Awaitable[ProviderReply]]
"""Sends one request. An object may also have ``async warm()``, awaited before the first
request outside any deadline (e.g. a slow import)."""


def load_litellm() -> Any:
    """Import LiteLLM once, offline and quiet, and return the module."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            os.environ["LITELLM_OFFLINE_MODE"] = "true"
            import litellm

            litellm.suppress_debug_info = True
            # LiteLLM makes its request coroutine before awaiting it: a call cancelled in
            # between (a run stopping) would print this warning at exit, for nothing.
            warnings.filterwarnings(
                "ignore",
                message="coroutine '.*acompletion' was never awaited",
                category=RuntimeWarning,
            )
            _litellm = litellm
    return _litellm


def _load_and_exercise() -> None:
    litellm = load_litellm()
    litellm.completion(
        model="openai/arcloop-warm-up",
        messages=[{"role": "user", "content": "warm-up"}],
        mock_response="ok",
        api_key="sk-warm-up",
    )


CACHE_BREAKPOINT_PROVIDERS = ("anthropic/",)
"""Model-string prefixes of providers that cache only up to marked breakpoints."""


def with_cache_breakpoints(model: str, messages: Sequence[Message]) -> list[Any]:
    """The messages to send to ``model``: with Anthropic cache breakpoints on the first message
    and the one before the last when there are several (see the module docstring).

    >>> msgs = [{"role": "user", "content": t} for t in ("task", "program 1", "now improve")]
    >>> [type(m["content"]).__name__ for m in with_cache_breakpoints("anthropic/claude", msgs)]
    ['list', 'list', 'str']
    >>> with_cache_breakpoints("anthropic/claude", msgs)[1]["content"]
    [{'type': 'text', 'text': 'program 1', 'cache_control': {'type': 'ephemeral'}}]
    >>> with_cache_breakpoints("openai/gpt-5", msgs) == msgs
    True
    """
    out: list[Any] = [dict(m) for m in messages]
    if len(out) < 2 or not model.startswith(CACHE_BREAKPOINT_PROVIDERS):
        return out
    for i in sorted({0, len(out) - 2}):
        block = {"type": "text", "text": out[i]["content"], "cache_control": {"type": "ephemeral"}}
        out[i]["content"] = [block]
    return out


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def reply_from_response(response: Any) -> ProviderReply:
    """Read text and usage from a LiteLLM ``ModelResponse``."""
    choices = getattr(response, "choices", None) or []
    text = ""
    if choices:
        message = getattr(choices[0], "message", None)
        content = getattr(message, "content", None)
        text = content if isinstance(content, str) else ""
    usage = getattr(response, "usage", None)
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    completion_details = getattr(usage, "completion_tokens_details", None)
    return ProviderReply(
        text=text,
        usage=Usage(
            prompt_tokens=_int(getattr(usage, "prompt_tokens", 0)),
            cached_tokens=_int(getattr(prompt_details, "cached_tokens", 0)),
            completion_tokens=_int(getattr(usage, "completion_tokens", 0)),
            reasoning_tokens=_int(getattr(completion_details, "reasoning_tokens", 0)),
        ),
    )


class LiteLLMTransport:
    """Sends requests through ``litellm.acompletion`` with LiteLLM's retries off."""

    async def warm(self) -> None:
        """Import LiteLLM in a worker thread, so the import never eats a request's deadline.

        LiteLLM also imports modules lazily on its first completion (~0.1-0.3 s of blocking
        work that would stall the event loop and bunch the first requests together): a mocked
        completion in the same thread does that work now, without any request.
        """
        if _litellm is None:
            await asyncio.to_thread(_load_and_exercise)

    async def __call__(self, request: ProviderRequest) -> ProviderReply:
        """Send ``request`` and return the reply; LiteLLM's exceptions pass through."""
        await self.warm()
        kwargs: dict[str, Any] = dict(request.settings)
        if request.api_base is not None:
            kwargs["api_base"] = request.api_base
        if request.api_key is not None:
            kwargs["api_key"] = request.api_key
        response = await _litellm.acompletion(
            model=request.model,
            messages=with_cache_breakpoints(request.model, request.messages),
            timeout=request.timeout,
            num_retries=0,
            max_retries=0,
            **kwargs,
        )
        return reply_from_response(response)


litellm_transport = LiteLLMTransport()
"""The default transport."""
