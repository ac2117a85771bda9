"""Sends that get through: a Bot API answering 429, 500 and slowly for a while costs the
worker time, never a reply, and never earns them a false apology; one slow chat does not
hold up the others."""

from __future__ import annotations

import asyncio
import time

from tests.conftest import Harness
from tests.story import labels, texts

SORRY = "Sorry, something went wrong"


async def test_429s_500s_and_timeouts_delay_the_reply_but_it_arrives_once(
    harness: Harness,
) -> None:
    faults = harness.emulator.faults
    faults.fail(429, times=2, retry_after=1)
    faults.fail(500, times=1)
    faults.fail(502, times=1)
    # One answer slower than PTB's 5 s read timeout: the bot gives up on it and retries.
    faults.slow(5.5, times=1)
    worker = harness.emulator.user(7101, "Rae", language_code="en")

    started = time.monotonic()
    await worker.send("/start")
    replies = await worker.wait_for_reply(timeout=40)
    assert "Electrician" in labels(replies), texts(replies)
    assert time.monotonic() - started > 4  # it really went through every fault
    assert [m for m, _ in faults.injected] == ["sendMessage"] * 5
    # Exactly one greeting, no apology, and the next tap works at normal speed.
    assert len(harness.emulator.calls_to("sendMessage")) == 1
    assert SORRY not in texts(worker.messages)
    replies = await _press(worker, "Electrician")
    assert "Apprentice" in labels(replies)


async def test_a_failing_edit_and_callback_answer_are_retried_too(harness: Harness) -> None:
    worker = harness.emulator.user(7102, "Sol", language_code="en")
    await worker.send("/start")
    await worker.wait_for_reply(timeout=10)
    harness.emulator.faults.fail(500, times=2, methods=("editMessageText", "answerCallbackQuery"))
    replies = await _press(worker, "Electrician", within=20)
    assert "Apprentice" in labels(replies)
    assert SORRY not in texts(worker.messages)


async def test_one_slow_chat_does_not_hold_up_the_others(harness: Harness) -> None:
    emulator = harness.emulator
    slow = emulator.user(7200, "Slow", language_code="en")
    others = [emulator.user(7201 + i, f"Quick{i}", language_code="en") for i in range(3)]
    emulator.faults.slow(2.0, times=20, chat_id=slow.id)
    last_event: dict[int, float] = {}
    emulator.on_bot_event(lambda e: last_event.__setitem__(e.chat_id, time.perf_counter()))

    async def slow_worker() -> None:
        for _ in range(3):
            await slow.send("/help")
            await slow.wait_for_reply(timeout=10)

    async def quick_worker(user) -> list[float]:  # type: ignore[no-untyped-def]
        waits = []
        for _ in range(8):
            await asyncio.sleep(0.05)  # a person's pace, not a flood: this is about stalls
            started = time.perf_counter()
            await user.send("/help")
            await user.wait_for_reply(timeout=10, settle=0.02)
            waits.append(1000 * (last_event[user.id] - started))
        return waits

    slow_task = asyncio.create_task(slow_worker())
    await asyncio.sleep(0.2)  # the slow chat's first send is under way
    waits = sorted(w for ws in await asyncio.gather(*map(quick_worker, others)) for w in ws)
    p95 = waits[int(0.95 * len(waits)) - 1]
    assert p95 < 100, waits
    await asyncio.wait_for(slow_task, 15)
    assert texts(slow.messages).count("/find") >= 3  # the slow chat was answered too


async def _press(worker, label: str, within: float = 10):  # type: ignore[no-untyped-def]
    await worker.press(label)
    return await worker.wait_for_reply(timeout=within)
