"""Values that cross the LLM layer's boundary: messages in, a ``Completion`` out, and the
``Usage`` that every layer above adds up.

The rest of arcloop sees a model only through ``ModelClient.complete``; tests hand the solver a
fake that implements it. Nothing here knows about ARC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Literal, Protocol, TypedDict


class Message(TypedDict):
    """One chat message, in the OpenAI shape LiteLLM takes."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Usage:
    """What model calls consumed: tokens, dollars and seconds (one call's, or a sum).

    The one value type for usage: a completion, a journal row, a candidate, an expert, a task
    and a run all carry one, and a sum is ``+`` (or ``Usage.total``)::

        >>> Usage(prompt_tokens=100, cost_usd=0.5) + Usage(prompt_tokens=20, latency_s=1.5)
        Usage(prompt_tokens=120, cached_tokens=0, completion_tokens=0, reasoning_tokens=0, \
cost_usd=0.5, latency_s=1.5)

    Attributes:
        prompt_tokens: input tokens, cached ones included.
        cached_tokens: the part of ``prompt_tokens`` billed at the cache-read price.
        completion_tokens: output tokens, reasoning ones included.
        reasoning_tokens: the part of ``completion_tokens`` spent thinking.
        cost_usd: dollars paid (0.0 for an answer replayed from the journal).
        latency_s: seconds from the first attempt to the answer (summed over calls).
    """

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Usage)))

    @staticmethod
    def total(usages: Iterable[Usage]) -> Usage:
        """The sum of ``usages`` (``Usage()`` when there are none)."""
        return sum(usages, Usage())


@dataclass(frozen=True, slots=True)
class Completion:
    """What one model call returned, and what it consumed.

    Attributes:
        text: the reply text.
        model: the model that answered.
        usage: its tokens, cost (0.0 when replayed from the journal) and latency (as
            recorded, when replayed).
        attempts: requests sent for this answer (rate-limited ones not counted).
        replayed: True when the answer came from the journal with no request sent.
        call_id: the journal row of this answer (the original row when replayed), or
            ``None`` when no journal is kept.
    """

    text: str
    model: str
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1
    replayed: bool = False
    call_id: int | None = None


class ModelClient(Protocol):
    """A model, as the solver sees it."""

    @property
    def name(self) -> str:
        """The model string, e.g. ``"openai/gpt-5"``."""
        ...

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        """Answer ``messages``.

        ``sample_key`` (e.g. ``"task=1a2b/expert=3/iteration=2"``) names this sample: two calls
        with the same messages and different keys are distinct samples; the same messages and
        key are the same sample, answered from the journal when it is already recorded.

        Raises:
            ProviderError: a subclass saying whether it was fatal or an auth failure.
            BudgetExceededError: a budget forbids the call.
        """
        ...
