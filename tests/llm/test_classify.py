"""Classification by class and status code, Retry-After parsing, key variable names."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from email.utils import formatdate
from pathlib import Path

import pytest

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
from arcloop.llm.classify import classify, key_env_var, parse_retry_after
from tests.fakeprovider import FakeProvider

ROOT = Path(__file__).resolve().parents[2]


class _Raised(Exception):
    """An exception of no known class, carrying only a status code."""

    def __init__(self, status_code: int | None) -> None:
        super().__init__("a message that must not matter: rate limit context window 401")
        self.status_code = status_code


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (429, RateLimitedError),
        (503, RateLimitedError),
        (529, RateLimitedError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (408, RequestTimeoutError),
        (409, TransientProviderError),
        (500, TransientProviderError),
        (502, TransientProviderError),
        (400, FatalProviderError),
        (404, FatalProviderError),
        (422, FatalProviderError),
        (None, FatalProviderError),
    ],
)
def test_status_codes_decide_the_class_not_the_message(
    status: int | None, expected: type[ProviderError]
) -> None:
    error = classify(_Raised(status), model="openai/x", now_wall=0.0)
    assert type(error) is expected
    assert error.status_code == status and error.model == "openai/x"


def test_litellm_classes_are_recognised() -> None:
    import litellm

    cases: list[tuple[Exception, type[ProviderError]]] = [
        (litellm.Timeout("t", model="m", llm_provider="openai"), RequestTimeoutError),
        (
            litellm.ContextWindowExceededError("too long", model="m", llm_provider="openai"),
            ContextWindowError,
        ),
        (
            litellm.APIConnectionError("refused", model="m", llm_provider="openai"),
            UnreachableError,  # a TransientProviderError waited for up to the outage limit
        ),
        (
            litellm.AuthenticationError("no", model="m", llm_provider="anthropic"),
            AuthenticationError,
        ),
    ]
    for raised, expected in cases:
        assert type(classify(raised, model="m", now_wall=0.0)) is expected


def test_auth_errors_name_the_key_variable() -> None:
    for model, var in [
        ("openai/gpt-5", "OPENAI_API_KEY"),
        ("gemini/gemini-3-pro-preview", "GEMINI_API_KEY"),
        ("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY"),
        ("xai/grok-4", "XAI_API_KEY"),
        ("groq/openai/gpt-oss-120b", "GROQ_API_KEY"),
    ]:
        assert var in str(classify(_Raised(401), model=model, now_wall=0.0))
    custom = classify(_Raised(403), model="openai/local", now_wall=0.0, key_env="LOCAL_KEY")
    assert "LOCAL_KEY" in str(custom)
    assert key_env_var("newprovider/model") == "NEWPROVIDER_API_KEY"


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("3", now_wall=now) == 3.0
    assert parse_retry_after(" 0.5 ", now_wall=now) == 0.5
    assert parse_retry_after(formatdate(now + 42, usegmt=True), now_wall=now) == 42.0
    assert parse_retry_after(formatdate(now - 42, usegmt=True), now_wall=now) == 0.0
    assert parse_retry_after("soon", now_wall=now) is None
    assert parse_retry_after(None, now_wall=now) is None


def test_importing_arcloop_llm_does_not_import_litellm() -> None:
    code = "import sys, arcloop.llm, arcloop.llm.gateway; print('litellm' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def _post(url: str) -> int:
    request = urllib.request.Request(
        url + "/v1/chat/completions",
        data=json.dumps({"model": "m", "messages": []}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        e.close()
        return int(e.code)


def test_the_fake_provider_enforces_its_rate_and_counts_the_429s() -> None:
    with FakeProvider(rate=0.5, rate_burst=2) as fake:
        statuses = [_post(fake.url) for _ in range(5)]
        assert statuses == [200, 200, 429, 429, 429]
        assert fake.rate_limited == 3 and fake.rate_limited_at == [2, 3, 4]
        assert fake.count == 5
