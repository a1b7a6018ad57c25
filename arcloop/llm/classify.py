"""Turn whatever a provider call raised into one class of arcloop's error tree.

Classification looks at the exception's class and its ``status_code``, never at its message:

    RateLimitedError     429, 503, 529                    wait (shared pause), not an attempt
    AuthenticationError  401, 403                         stop: the key is missing or refused
    ContextWindowError   LiteLLM ContextWindowExceededError
    RequestTimeoutError  LiteLLM Timeout, 408, our own deadline
    FatalProviderError   other 4xx, UnsupportedParamsError, unknown failures
    UnreachableError     no connection at all (APIConnectionError, ConnectError... in the chain)
    TransientProviderError  other 5xx, 409

Also here: reading Retry-After (seconds or an HTTP date) from an exception's headers, and
naming the environment variable that holds a provider's key. LiteLLM's classes are looked up by
name on the exception's MRO so this module never imports LiteLLM.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from typing import Any

from arcloop.errors import (
    AuthenticationError,
    ContextWindowError,
    FatalProviderError,
    ProviderError,
    RateLimitedError,
    RequestTimeoutError,
    TransientProviderError,
    UnreachableError,
)

RATE_LIMIT_STATUSES = frozenset({429, 503, 529})
AUTH_STATUSES = frozenset({401, 403})

KEY_ENV_BY_PROVIDER: Mapping[str, str] = {
    "openai": "OPENAI_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "xai": "XAI_API_KEY",
    "groq": "GROQ_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
}


def key_env_var(model: str, *, override: str | None = None) -> str:
    """Name the environment variable that holds the key for ``model``.

    >>> key_env_var("gemini/gemini-3-pro-preview")
    'GEMINI_API_KEY'
    >>> key_env_var("openai/my-vllm", override="VLLM_KEY")
    'VLLM_KEY'
    """
    if override:
        return override
    provider = model.split("/", 1)[0] if "/" in model else "openai"
    return KEY_ENV_BY_PROVIDER.get(provider, f"{provider.upper()}_API_KEY")


def _class_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


_NO_CONNECTION = {"APIConnectionError", "ConnectError", "ConnectionError", "ClientConnectorError"}


def _no_connection(exc: BaseException) -> bool:
    """True when ``exc`` or what caused it says no connection was made. LiteLLM reports a
    refused connection to an OpenAI-compatible server as an ``InternalServerError`` (500)
    caused by ``openai.APIConnectionError`` and ``httpx.ConnectError``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _class_names(current) & _NO_CONNECTION or isinstance(current, ConnectionError):
            return True
        current = current.__cause__ or current.__context__
    return False


def _headers(exc: BaseException) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    litellm_headers = getattr(exc, "litellm_response_headers", None)
    if litellm_headers:
        found.append(litellm_headers)
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers:
        found.append(headers)
    return found


def parse_retry_after(value: str | None, *, now_wall: float) -> float | None:
    """Return seconds to wait from a Retry-After value (seconds or HTTP date), or ``None``.

    >>> parse_retry_after("2.5", now_wall=0.0)
    2.5
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now_wall=4.0)
    6.0
    """
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now_wall)


def retry_after_of(exc: BaseException, *, now_wall: float) -> float | None:
    """Read Retry-After from LiteLLM's recorded headers first, then the raw response's."""
    for headers in _headers(exc):
        for key in ("retry-after", "Retry-After"):
            if key in headers:
                seconds = parse_retry_after(headers[key], now_wall=now_wall)
                if seconds is not None:
                    return seconds
    return None


def classify(
    exc: BaseException, *, model: str, now_wall: float, key_env: str | None = None
) -> ProviderError:
    """Map an exception raised by a provider call to arcloop's error tree.

    Args:
        exc: what the call raised.
        model: the model string, named in the error.
        now_wall: wall-clock seconds since the epoch, for Retry-After dates.
        key_env: the environment variable named by an authentication error.
    """
    if isinstance(exc, ProviderError):
        return exc
    names = _class_names(exc)
    raw_status = getattr(exc, "status_code", None)
    status = raw_status if isinstance(raw_status, int) else None
    detail = f"{model}: {type(exc).__name__}" + (f" ({status})" if status else "")
    brief = str(exc).splitlines()[0][:300] if str(exc) else ""
    message = f"{detail}: {brief}" if brief else detail

    if "RateLimitError" in names or status in RATE_LIMIT_STATUSES:
        return RateLimitedError(
            message,
            model=model,
            status_code=status,
            retry_after=retry_after_of(exc, now_wall=now_wall),
        )
    if names & {"AuthenticationError", "PermissionDeniedError"} or status in AUTH_STATUSES:
        var = key_env or key_env_var(model)
        return AuthenticationError(
            f"{model}: the provider refused the key ({status or 'auth'}); set {var} to a valid"
            " key with access to this model",
            model=model,
            status_code=status,
        )
    if "ContextWindowExceededError" in names:
        return ContextWindowError(message, model=model, status_code=status)
    if names & {"Timeout", "TimeoutError", "APITimeoutError", "ReadTimeout"} or status == 408:
        return RequestTimeoutError(message, model=model, status_code=status)
    if "UnsupportedParamsError" in names:
        return FatalProviderError(message, model=model, status_code=status)
    if _no_connection(exc):
        return UnreachableError(message, model=model, status_code=status)
    if names & {"InternalServerError", "BadGatewayError"}:
        return TransientProviderError(message, model=model, status_code=status)
    if status is not None and (status >= 500 or status == 409):
        return TransientProviderError(message, model=model, status_code=status)
    return FatalProviderError(message, model=model, status_code=status)
