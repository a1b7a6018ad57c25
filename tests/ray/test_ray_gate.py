"""``GateActor``'s tickets, without Ray: a cancelled or abandoned wait never leaks a slot.

The actor is a plain class holding a ``LocalGate``; Ray only runs it. Here it runs in a plain
event loop, with a bucket fast enough that no test waits for a token.
"""

from __future__ import annotations

import asyncio

from arcloop.runs.ray.gate import GateActor, GateState


def _actor(max_in_flight: int = 1) -> GateActor:
    return GateActor(rate=1e6, burst=1000, max_in_flight=max_in_flight)


async def _until_waiting(actor: GateActor, n: int) -> None:
    while (await actor.state()).waiting != n:
        await asyncio.sleep(0)


def test_a_granted_ticket_holds_a_slot_until_released() -> None:
    async def scenario() -> list[GateState]:
        actor = _actor(max_in_flight=2)
        assert await actor.acquire("w:0") and await actor.acquire("w:1")
        states = [await actor.state()]
        await actor.release("w:0")
        await actor.release("w:0")  # a second release of the same ticket is ignored
        states.append(await actor.state())
        return states

    held, after = asyncio.run(scenario())
    assert held == GateState(in_flight=2, waiting=0, paused=False)
    assert after.in_flight == 1


def test_abandoning_a_queued_ticket_refuses_it_and_frees_the_queue() -> None:
    async def scenario() -> tuple[bool, GateState, bool]:
        actor = _actor()
        assert await actor.acquire("a:0")
        queued = asyncio.ensure_future(actor.acquire("b:0"))
        await _until_waiting(actor, 1)
        await actor.abandon("b:0")
        refused = await queued
        state = await actor.state()
        await actor.release("a:0")
        return refused, state, await actor.acquire("c:0")

    refused, state, next_granted = asyncio.run(scenario())
    assert refused is False
    assert state == GateState(in_flight=1, waiting=0, paused=False)
    assert next_granted is True


def test_abandoning_before_the_request_arrives_refuses_it_on_arrival() -> None:
    async def scenario() -> tuple[bool, GateState]:
        actor = _actor()
        await actor.abandon("w:7")
        return await actor.acquire("w:7"), await actor.state()

    granted, state = asyncio.run(scenario())
    assert granted is False and state.in_flight == 0


def test_abandoning_a_granted_ticket_releases_it() -> None:
    async def scenario() -> GateState:
        actor = _actor()
        assert await actor.acquire("w:0")
        await actor.abandon("w:0")
        return await actor.state()

    assert asyncio.run(scenario()).in_flight == 0


def test_abandoning_between_the_grant_and_the_reply_releases_the_slot() -> None:
    async def scenario() -> tuple[bool, GateState]:
        actor = _actor()
        assert await actor.acquire("a:0")
        queued = asyncio.ensure_future(actor.acquire("b:0"))
        await _until_waiting(actor, 1)
        await actor.release("a:0")
        waiter = actor._pending["b:0"]
        while not waiter.done():  # granted, but acquire("b:0") has not resumed yet
            await asyncio.sleep(0)
        await actor.abandon("b:0")
        return await queued, await actor.state()

    granted, state = asyncio.run(scenario())
    assert granted is False
    assert state.in_flight == 0


def test_forget_drops_every_ticket_of_one_holder_only() -> None:
    async def scenario() -> tuple[int, GateState, bool]:
        actor = _actor(max_in_flight=2)
        assert await actor.acquire("dead:0") and await actor.acquire("alive:0")
        queued = asyncio.ensure_future(actor.acquire("dead:1"))
        await _until_waiting(actor, 1)
        dropped = await actor.forget("dead")
        refused = await queued
        return dropped, await actor.state(), refused

    dropped, state, refused = asyncio.run(scenario())
    assert dropped == 2
    assert refused is False
    assert state == GateState(in_flight=1, waiting=0, paused=False)


def test_a_pause_is_seen_by_the_gate() -> None:
    async def scenario() -> GateState:
        actor = _actor()
        await actor.pause(60)
        return await actor.state()

    assert asyncio.run(scenario()).paused is True
