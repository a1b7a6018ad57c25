"""``--check``: one tiny request per model, to see that its key and endpoint work before a run.

Each LLM model of the run is asked for one token. A refused key is an ``AuthenticationError``
(exit 3), an endpoint that does not answer a ``ProviderError`` naming it; nothing is
journaled, and the cost (one token) is not counted against the run.

Not here: the checks that send nothing (``preflight``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from arcloop.errors import AuthenticationError, ProviderOutageError
from arcloop.llm.classify import classify, key_env_var
from arcloop.llm.gateway import api_key
from arcloop.llm.outage import endpoint_of
from arcloop.llm.registry import Registry
from arcloop.llm.transport import ProviderRequest, Transport, litellm_transport
from arcloop.runs.config import RunConfig, expert_models

CHECK_TIMEOUT_S = 60.0


async def check_endpoints(
    config: RunConfig,
    *,
    environ: Mapping[str, str] | None = None,
    transport: Transport = litellm_transport,
) -> list[str]:
    """Ask each model of ``config`` for one token; one line per model that answered.

    Raises:
        AuthenticationError: a key is missing or refused (naming the variable).
        ProviderOutageError: an endpoint did not answer (exit code 3, naming it and why).
    """
    env = os.environ if environ is None else environ
    registry = Registry(overrides=[config.models])
    lines = []
    for model in expert_models(config):
        spec = registry.require(model)
        request = ProviderRequest(
            model=model,
            messages=[{"role": "user", "content": "Reply with one word: ok"}],
            settings={"max_tokens": 1},
            api_base=spec.api_base,
            api_key=api_key(model, spec, env),
            timeout=CHECK_TIMEOUT_S,
        )
        started = time.monotonic()
        try:
            await transport(request)
        except Exception as exc:
            error = classify(
                exc,
                model=model,
                now_wall=time.time(),
                key_env=key_env_var(model, override=spec.api_key_env),
            )
            if isinstance(error, AuthenticationError):
                raise error from exc
            raise ProviderOutageError(
                f"{endpoint_of(model, spec.api_base)} did not answer the check: {error}",
                model=model,
                status_code=error.status_code,
            ) from exc
        where = f" at {spec.api_base}" if spec.api_base else ""
        lines.append(f"{model}{where}: answered in {time.monotonic() - started:.1f} s")
    return lines
