"""The per-model gate, on a fake clock: pacing, burst, in-flight cap, shared pause."""

from __future__ import annotations

import asyncio

import pytest

from arcloop.llm import LocalGate
from tests.llm.conftest import FakeClock


def _gate(clock: FakeClock, *, rate: float, burst: int, max_in_flight: int = 1000) -> LocalGate:
    return LocalGate(
        rate=rate, burst=burst, max_in_flight=max_in_flight, clock=clock, sleep=clock.sleep
    )


async def _acquire_times(gate: LocalGate, clock: FakeClock, n: int) -> list[float]:
    times: list[float] = []

    async def one() -> None:
        await gate.acquire()
        times.append(clock())
        gate.release()

    await asyncio.gather(*(one() for _ in range(n)))
    return sorted(times)


@pytest.mark.parametrize(("rate", "burst"), [(10.0, 1), (10.0, 3), (2.5, 5), (100.0, 20)])
def test_no_window_exceeds_rate_by_more_than_the_burst(rate: float, burst: int) -> None:
    clock = FakeClock()
    gate = _gate(clock, rate=rate, burst=burst)
    times = asyncio.run(_acquire_times(gate, clock, 60))
    assert len(times) == 60
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            window = times[j] - start
            assert j - i + 1 <= burst + rate * window + 1e-9
    # and it is not slower than the rate allows: the last token came exactly on time
    assert times[-1] - times[0] == pytest.approx((60 - burst) / rate)


def test_the_burst_goes_out_at_once_then_requests_are_spaced() -> None:
    clock = FakeClock(start=0.0)
    gate = _gate(clock, rate=4.0, burst=3)
    times = asyncio.run(_acquire_times(gate, clock, 6))
    assert times == pytest.approx([0.0, 0.0, 0.0, 0.25, 0.5, 0.75])


def test_in_flight_cap_holds_callers_until_release() -> None:
    async def scenario() -> list[int]:
        clock = FakeClock()
        gate = _gate(clock, rate=1000.0, burst=1000, max_in_flight=2)
        seen: list[int] = []
        release = asyncio.Event()

        async def one() -> None:
            await gate.acquire()
            seen.append(gate.in_flight)
            await release.wait()
            gate.release()

        tasks = [asyncio.create_task(one()) for _ in range(5)]
        for _ in range(5):
            await asyncio.sleep(0)
        assert gate.in_flight == 2 and gate.waiting == 3
        release.set()
        await asyncio.gather(*tasks)
        assert gate.in_flight == 0 and gate.waiting == 0
        return seen

    assert max(asyncio.run(scenario())) == 2


def test_a_pause_holds_every_caller_and_the_bucket_restarts_empty() -> None:
    clock = FakeClock(start=0.0)
    gate = _gate(clock, rate=10.0, burst=5)
    gate.pause(3.0)
    assert gate.paused
    times = asyncio.run(_acquire_times(gate, clock, 3))
    # no burst after a pause: the first token arrives 1/rate after it ends
    assert times == pytest.approx([3.1, 3.2, 3.3])
    assert not gate.paused


def test_a_shorter_pause_does_not_cut_a_longer_one() -> None:
    clock = FakeClock(start=0.0)
    gate = _gate(clock, rate=10.0, burst=1)
    gate.pause(5.0)
    gate.pause(1.0)
    assert gate.pause_until == 5.0


def test_a_cancelled_waiter_leaves_the_gate_consistent() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        gate = _gate(clock, rate=1.0, burst=1, max_in_flight=1)
        await gate.acquire()
        waiter = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        gate.release()
        assert gate.in_flight == 0 and gate.waiting == 0
        await gate.acquire()  # the slot is free again
        assert gate.in_flight == 1

    asyncio.run(scenario())


def test_a_gate_is_reusable_in_a_second_event_loop_when_built_inside_it() -> None:
    for _ in range(2):
        clock = FakeClock()
        times = asyncio.run(_acquire_times(_gate(clock, rate=5.0, burst=1), clock, 3))
        assert len(times) == 3


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        LocalGate(rate=0, burst=1, max_in_flight=1)


def test_late_wake_ups_do_not_lower_the_sustained_rate() -> None:
    class LateClock(FakeClock):
        async def sleep(self, seconds: float) -> None:
            await super().sleep(seconds + 0.01)  # every timer fires 10 ms late

    clock = LateClock(start=0.0)
    gate = _gate(clock, rate=10.0, burst=1)
    times = asyncio.run(_acquire_times(gate, clock, 51))
    # 50 intervals of 0.1 s; the lateness is carried over instead of lost at each grant
    assert times[-1] - times[0] == pytest.approx(5.0, abs=0.02)
