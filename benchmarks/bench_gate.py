"""Benchmark: does a gate set to R requests/s keep a provider enforcing R busy without 429s?

Against the fake provider (tests/fakeprovider.py) enforcing ``--rate`` requests per second
server-side (token bucket of ``--server-burst`` tokens, 429 beyond it), many concurrent callers
send calls through an ``LLMGateway`` whose model gate is set to the same rate (burst
``--gate-burst``, default 1). The server's bucket defaults to max(2, R/10) tokens, i.e. it
tolerates ~100 ms of jitter between the gate's grant and the request's arrival (the
client's event loop spends ~5-15 ms of CPU per LiteLLM call, so arrivals jitter); real
providers count per minute and are far more lenient.
Printed: achieved rate and its ratio to R (goal >= 0.95), the share of requests answered 429
(goal <= 1%), and the overhead per call of the gateway (gate, classification, journal write)
over a bare LiteLLM call, measured side by side on an unlimited server.

Run from the repo root::

    python benchmarks/bench_gate.py --rate 20 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from arcloop.llm import Journal, LLMGateway, Registry, parse_models_table  # noqa: E402
from arcloop.llm.transport import ProviderRequest, litellm_transport  # noqa: E402
from tests.fakeprovider import FakeProvider  # noqa: E402

MESSAGES = [{"role": "user", "content": "benchmark"}]


def _gateway(api_base: str, *, rate: float, burst: int, journal: Journal | None) -> LLMGateway:
    table = {
        "openai/bench": {
            "api_base": api_base,
            "rate": rate,
            "burst": burst,
            "max_in_flight": 256,
            "request_timeout": 30,
            "price": {"input": 1.0, "output": 1.0},
        }
    }
    return LLMGateway(
        registry=Registry(overrides=[parse_models_table(table)]), journal=journal, environ={}
    )


def _serve(conn: Connection, rate: float, burst: float) -> None:
    """Child process: run the rate-enforcing fake provider until told to stop."""
    with FakeProvider(rate=rate, rate_burst=burst) as fake:
        conn.send(fake.openai_base)
        conn.recv()
        conn.send(([r.time for r in fake.requests], fake.rate_limited_at, fake.count))


async def _paced(
    rate: float, seconds: float, *, gate_burst: int, server_burst: float, callers: int
) -> None:
    # The provider runs in its own process, as a real one would: in this process its threads
    # would fight the event loop for the GIL and skew both sides' timing.
    total = int(rate * seconds)
    parent, child = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child, rate, server_burst), daemon=True
    )
    server.start()
    try:
        api_base = parent.recv()
        gateway = _gateway(api_base, rate=rate, burst=gate_burst, journal=None)
        await gateway.warm()
        client = gateway.client("openai/bench")
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(total):
            queue.put_nowait(i)

        async def caller() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                await client.complete(MESSAGES, sample_key=str(i))  # type: ignore[arg-type]

        start = time.monotonic()
        await asyncio.gather(*(caller() for _ in range(callers)))
        elapsed = time.monotonic() - start
        parent.send("stop")
        arrivals, limited_at, count = parent.recv()
    finally:
        server.join(timeout=10)
        if server.is_alive():
            server.kill()
    stats = gateway.stats()
    # The first request goes at t=0, the last at (n-1)/R: measure the span of arrivals.
    span = max(arrivals) - min(arrivals)
    achieved = (len(arrivals) - 1) / span if span > 0 else float("inf")
    rate_limited = len(limited_at)
    share_429 = rate_limited / count
    first = min(arrivals)
    where = ", ".join(f"#{i} at {arrivals[i] - first:.3f} s" for i in limited_at)
    print(
        f"server enforcing R = {rate:g} req/s (bucket {server_burst:g}),"
        f" gate rate R burst {gate_burst}"
    )
    print(f"  calls answered      {stats.calls} by {callers} concurrent callers")
    print(f"  requests received   {count} in {span:.2f} s (wall {elapsed:.2f} s)")
    print(f"  achieved rate       {achieved:.2f} req/s   ratio to R {achieved / rate:.3f}")
    print(f"  answered 429        {rate_limited} = {share_429:.2%} of requests {where}")
    ok = achieved / rate >= 0.95 and share_429 <= 0.01
    print(f"  goal (ratio >= 0.95, 429 <= 1%): {'met' if ok else 'NOT met'}")


async def _overhead(calls: int) -> None:
    with FakeProvider() as fake, tempfile.TemporaryDirectory() as tmp:
        await litellm_transport.warm()
        request = ProviderRequest(
            model="openai/bench",
            messages=MESSAGES,  # type: ignore[arg-type]
            api_base=fake.openai_base,
            api_key="sk-fake",
            timeout=30,
        )
        gateway = _gateway(
            fake.openai_base, rate=1e6, burst=1000, journal=Journal.open(Path(tmp) / "j.sqlite")
        )
        client = gateway.client("openai/bench")
        for i in range(20):  # warm both paths
            await litellm_transport(request)
            await client.complete(MESSAGES, sample_key=f"warm{i}")  # type: ignore[arg-type]
        bare = gated = 0.0
        for i in range(calls):  # interleaved, so drift hits both alike
            t0 = time.perf_counter()
            await litellm_transport(request)
            t1 = time.perf_counter()
            await client.complete(MESSAGES, sample_key=str(i))  # type: ignore[arg-type]
            t2 = time.perf_counter()
            bare += t1 - t0
            gated += t2 - t1
        print(f"overhead over a bare LiteLLM call ({calls} sequential calls each, interleaved)")
        print(f"  bare LiteLLM call   {bare / calls * 1000:.2f} ms")
        print(f"  through gateway     {gated / calls * 1000:.2f} ms (gate + journal write)")
        print(
            f"  overhead per call   {(gated - bare) / calls * 1000:.2f} ms"
            f"   ratio {gated / bare:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="R, requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the paced run")
    parser.add_argument("--gate-burst", type=int, default=1, help="gate bucket size")
    parser.add_argument(
        "--server-burst",
        type=float,
        default=None,
        help="server bucket size (default max(2, R/10): 100 ms of arrival jitter tolerated)",
    )
    parser.add_argument("--callers", type=int, default=64, help="concurrent callers")
    parser.add_argument("--calls", type=int, default=300, help="calls for the overhead part")
    args = parser.parse_args()
    asyncio.run(
        _paced(
            args.rate,
            args.seconds,
            gate_burst=args.gate_burst,
            server_burst=args.server_burst or max(2.0, args.rate / 10),
            callers=args.callers,
        )
    )
    asyncio.run(_overhead(args.calls))


if __name__ == "__main__":
    main()
