"""A fake model provider for tests: an HTTP server on 127.0.0.1 that fails on command.

It speaks just enough of three wire formats for LiteLLM to parse its answers:

- OpenAI chat completions: ``POST .../chat/completions`` (any ``openai/``-style model, and
  xAI/Groq/local servers through ``api_base``);
- Anthropic messages: ``POST .../v1/messages``;
- Gemini: ``POST ...:generateContent``.

Usage::

    from tests.fakeprovider import FakeProvider, Fault

    with FakeProvider(reply=lambda body: "def transform(grid):\\n    return grid") as fake:
        fake.script(Fault.rate_limited(retry_after="1"), Fault.status_code(500))
        # model="openai/anything", api_base=fake.openai_base, api_key="sk-fake"
        ...
        assert fake.count == 3
        assert fake.requests[0].body["model"] == "anything"

API (all thread-safe):

- ``FakeProvider(*, reply=None, usage=None, rate=None, rate_burst=1.0, max_hang=30.0)``:
  ``reply(body) -> str`` writes the answer text (default ``"ok"``); ``usage`` is a
  ``Usage`` (default 100 prompt / 20 cached / 50 completion / 10 reasoning tokens), a
  function ``body -> Usage``, or a ``PrefixCache`` (a provider's prompt cache: tokens counted
  from the text, cached tokens the longest prefix, in whole blocks, of any earlier prompt);
  ``rate`` enforces ``rate`` requests per second server-side with a token bucket of
  ``rate_burst`` tokens, answering 429 (``Retry-After: 1``) beyond it.
- ``start()``/``stop()`` or ``with FakeProvider() as fake``. Threads are daemons; ``stop``
  wakes any hanging handler. ``port``, ``url`` (``http://127.0.0.1:PORT``), ``openai_base``
  (``url + "/v1"``).
- ``script(*faults)``: queue faults, each answering one upcoming request, in order, before
  normal replies resume. ``fault_fn``: optional ``(index, body) -> Fault | None`` consulted
  for every request after the queue (``index`` counts from 0).
- ``Fault.status_code(code, retry_after=None)``, ``Fault.rate_limited(retry_after=None,
  status=429)``, ``Fault.hang(seconds)``, ``Fault.not_json()``, ``Fault.context_too_long()``,
  ``Fault.auth(status=401)``, ``Fault.bad_request()``.
- ``requests``: list of ``RecordedRequest(path, body, time)`` in arrival order (``body`` is
  the decoded JSON); ``count``: requests received; ``rate_limited``: 429s the rate
  enforcement answered (``rate_limited_at``: their request indices); ``reset()`` clears
  the record and counters.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Token counts the fake reports."""

    prompt_tokens: int = 100
    cached_tokens: int = 20
    completion_tokens: int = 50
    reasoning_tokens: int = 10


def prompt_text(body: Any) -> str:
    """The text of a request's prompt, in any of the three wire formats, in order."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []

    def add(content: Any) -> None:
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            for item in content:
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    parts.append(item["text"])

    add(body.get("system"))
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            add(message.get("content"))
    for content in body.get("contents") or []:
        if isinstance(content, dict):
            add(content.get("parts"))
    return "\n\n".join(parts)


class PrefixCache:
    """A provider's prompt cache: a prompt is ``len(text) // CHARS_PER_TOKEN`` tokens, and its
    cached tokens are its longest prefix, in whole blocks of ``block`` tokens, that an earlier
    prompt began with (as OpenAI, Gemini and Anthropic bill it). Completion tokens are counted
    from the reply the same way, unless ``completion_tokens`` fixes them. Thread-safe;
    ``prompt_tokens`` and ``cached_tokens`` total what it answered."""

    CHARS_PER_TOKEN = 4

    def __init__(self, block: int = 64, completion_tokens: int | None = None) -> None:
        self.block = block
        self.completion_tokens = completion_tokens
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()
        self.prompt_tokens = 0
        self.cached_tokens = 0

    def usage(self, body: Any, reply: str) -> Usage:
        text = prompt_text(body).encode()
        step = self.block * self.CHARS_PER_TOKEN
        digest = hashlib.sha256()
        keys = []
        for start in range(0, len(text) - step + 1, step):
            digest.update(text[start : start + step])
            keys.append(digest.copy().digest())
        with self._lock:
            hits = 0
            while hits < len(keys) and keys[hits] in self._seen:
                hits += 1
            self._seen.update(keys)
            prompt = len(text) // self.CHARS_PER_TOKEN
            cached = hits * self.block
            self.prompt_tokens += prompt
            self.cached_tokens += cached
        completion = self.completion_tokens
        if completion is None:
            completion = len(reply) // self.CHARS_PER_TOKEN
        return Usage(
            prompt_tokens=prompt,
            cached_tokens=cached,
            completion_tokens=completion,
            reasoning_tokens=0,
        )


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; build it with the class methods."""

    kind: str
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0

    @classmethod
    def status_code(cls, code: int, retry_after: str | None = None) -> Fault:
        """Answer with HTTP ``code`` and a JSON error body."""
        return cls("status", status=code, retry_after=retry_after)

    @classmethod
    def rate_limited(cls, retry_after: str | None = None, status: int = 429) -> Fault:
        """Answer 429 (or 503/529) with an optional Retry-After (seconds or HTTP date)."""
        return cls("status", status=status, retry_after=retry_after)

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Wait ``seconds`` (bounded by ``max_hang`` and ``stop``) before answering normally."""
        return cls("hang", seconds=seconds)

    @classmethod
    def not_json(cls) -> Fault:
        """Answer 200 with a body that is not JSON."""
        return cls("not_json", status=200)

    @classmethod
    def context_too_long(cls) -> Fault:
        """Answer 400 the way OpenAI says a prompt does not fit."""
        return cls("context", status=400)

    @classmethod
    def auth(cls, status: int = 401) -> Fault:
        """Answer 401 (bad key) or 403 (not allowed)."""
        return cls("status", status=status)

    @classmethod
    def bad_request(cls) -> Fault:
        """Answer a plain 400."""
        return cls("status", status=400)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received."""

    path: str
    body: Any
    time: float
    authorization: str = ""


def _openai_body(text: str, usage: Usage, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "service_tier": "default",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.prompt_tokens + usage.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
            "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        },
    }


def _anthropic_body(text: str, usage: Usage, model: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": usage.prompt_tokens - usage.cached_tokens,
            "cache_read_input_tokens": usage.cached_tokens,
            "cache_creation_input_tokens": 0,
            "output_tokens": usage.completion_tokens,
        },
    }


def _gemini_body(text: str, usage: Usage) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}
        ],
        "usageMetadata": {
            "promptTokenCount": usage.prompt_tokens,
            "cachedContentTokenCount": usage.cached_tokens,
            "candidatesTokenCount": usage.completion_tokens - usage.reasoning_tokens,
            "thoughtsTokenCount": usage.reasoning_tokens,
            "totalTokenCount": usage.prompt_tokens + usage.completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    fake: FakeProvider

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout, a cancelled call, a killed run) closes its socket
        # before our answer: that is what the tests provoke, not an error of the server.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.server.fake._handle(self, self.path, body, self.headers.get("Authorization") or "")

    def send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class FakeProvider:
    """A scripted OpenAI/Anthropic/Gemini-compatible server on 127.0.0.1 (see module doc)."""

    def __init__(
        self,
        *,
        reply: Callable[[Any], str] | None = None,
        usage: Usage | Callable[[Any], Usage] | PrefixCache | None = None,
        rate: float | None = None,
        rate_burst: float = 1.0,
        max_hang: float = 30.0,
        port: int = 0,
    ) -> None:
        self.reply = reply or (lambda body: "ok")
        self._port = port
        self.usage = usage or Usage()
        self.rate = rate
        self.rate_burst = rate_burst
        self.max_hang = max_hang
        self.fault_fn: Callable[[int, Any], Fault | None] | None = None
        self.requests: list[RecordedRequest] = []
        self.rate_limited = 0
        self.rate_limited_at: list[int] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._tokens = rate_burst
        self._updated = time.monotonic()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeProvider:
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base(self) -> str:
        return self.url + "/v1"

    # -- scripting and record ----------------------------------------------------------------
    @staticmethod
    def free_port() -> int:
        """A port nothing listens on (now): an endpoint that is down, or one to start later."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def script(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self.rate_limited = 0
            self.rate_limited_at.clear()

    def _take_token(self) -> bool:
        assert self.rate is not None
        now = time.monotonic()
        self._tokens = min(self.rate_burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    # -- answering -------------------------------------------------------------------------
    def _handle(self, handler: _Handler, path: str, body: Any, authorization: str = "") -> None:
        with self._lock:
            index = len(self.requests)
            self.requests.append(
                RecordedRequest(
                    path=path, body=body, time=time.monotonic(), authorization=authorization
                )
            )
            fault = self._faults.popleft() if self._faults else None
            if fault is None and self.fault_fn is not None:
                fault = self.fault_fn(index, body)
            if fault is None and self.rate is not None and not self._take_token():
                self.rate_limited += 1
                self.rate_limited_at.append(index)
                fault = Fault.rate_limited(retry_after="1")
        if fault is not None and fault.kind == "hang":
            self._stopping.wait(min(fault.seconds, self.max_hang))
            fault = None
        if fault is not None:
            self._answer_fault(handler, fault)
            return
        text = self.reply(body)
        if isinstance(self.usage, PrefixCache):
            usage = self.usage.usage(body, text)
        else:
            usage = self.usage(body) if callable(self.usage) else self.usage
        model = body.get("model", "fake") if isinstance(body, dict) else "fake"
        if path.rstrip("/").endswith("/messages"):
            payload = _anthropic_body(text, usage, str(model))
        elif ":generateContent" in path:
            payload = _gemini_body(text, usage)
        else:
            payload = _openai_body(text, usage, str(model))
        handler.send(200, json.dumps(payload).encode())

    def _answer_fault(self, handler: _Handler, fault: Fault) -> None:
        if fault.kind == "not_json":
            handler.send(200, b"<html>upstream proxy error</html>")
            return
        error: dict[str, Any]
        if fault.kind == "context":
            error = {
                "message": "This model's maximum context length is 8192 tokens. However, your"
                " messages resulted in 9000 tokens.",
                "type": "invalid_request_error",
                "code": "context_length_exceeded",
            }
        else:
            error = {"message": f"fake error {fault.status}", "type": "fake", "code": None}
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        handler.send(fault.status, json.dumps({"error": error}).encode(), headers)
