"""ToolboxRateLimiter on its own: Telegram's message budget is spent on messages only,
failures are retried for a bounded time, and a 429 pause is not followed by a burst.
(Replies end to end through the emulator: see test_send_faults.py.)"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.ratelimit import ToolboxRateLimiter
from emulator import BotApiEmulator
from tests.conftest import TOKEN


class Api:
    """Stands in for the HTTP call: fails as scripted, then answers True."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> Any:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return True


async def call(limiter: ToolboxRateLimiter, api: Api, endpoint: str, chat_id: int | None) -> Any:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(api, (), {}, endpoint, data, None)


async def test_callback_answers_and_edits_do_not_spend_the_message_budget() -> None:
    limiter, api = ToolboxRateLimiter(), Api()
    started = time.monotonic()
    await asyncio.gather(
        *(call(limiter, api, "answerCallbackQuery", None) for _ in range(60)),
        *(call(limiter, api, "editMessageText", 1000 + i) for i in range(60)),
    )
    assert time.monotonic() - started < 0.5
    # Messages do: 60 to different people need about a second at 30 a second.
    started = time.monotonic()
    await asyncio.gather(*(call(limiter, api, "sendMessage", 2000 + i) for i in range(60)))
    assert time.monotonic() - started > 0.8


async def test_a_private_chat_gets_a_burst_then_about_one_a_second() -> None:
    limiter, api = ToolboxRateLimiter(), Api()
    started = time.monotonic()
    await asyncio.gather(*(call(limiter, api, "sendMessage", 42) for _ in range(22)))
    assert time.monotonic() - started > 1.5  # 20 at once, then one a second


async def test_429_5xx_and_timeouts_are_retried_until_it_goes_through() -> None:
    limiter = ToolboxRateLimiter()
    api = Api(RetryAfter(1), NetworkError("Bad Gateway"), TimedOut())
    started = time.monotonic()
    assert await call(limiter, api, "sendMessage", 7) is True
    assert api.calls == 4 and time.monotonic() - started >= 1.0


async def test_retries_stop_after_retry_for_and_bad_requests_are_not_retried() -> None:
    limiter = ToolboxRateLimiter(retry_for=1.2)
    down = Api(*[NetworkError("Internal Server Error")] * 50)
    started = time.monotonic()
    with pytest.raises(NetworkError):
        await call(limiter, down, "sendMessage", 7)
    assert 0.5 < time.monotonic() - started < 2.5 and 2 <= down.calls <= 4
    wrong = Api(BadRequest("Message is too long"))
    with pytest.raises(BadRequest):
        await call(limiter, wrong, "sendMessage", 7)
    assert wrong.calls == 1


async def test_after_a_429_pause_no_burst_exceeds_telegrams_window(
    emulator: BotApiEmulator,
) -> None:
    """90 reminders to 90 people, and Telegram answers the first one with a 429: the pause
    must not bank budget, so no one-second window the emulator measures sees more than 30
    and it refuses none (the scripted 429 is the only one)."""
    emulator.flood_control = True
    people = [emulator.user(8000 + n, f"W{n}", started=True).id for n in range(90)]
    emulator.faults.fail(429, times=1, retry_after=1)
    started = time.monotonic()
    async with ExtBot(TOKEN, base_url=emulator.api_url, rate_limiter=ToolboxRateLimiter()) as bot:
        await asyncio.wait_for(
            asyncio.gather(*(bot.send_message(chat, "Study reminder") for chat in people)), 30
        )
    assert time.monotonic() - started < 10
    refused = [call for call in emulator.errors if call.error is not None]
    assert refused == [] and len(emulator.faults.injected) == 1
    arrived = sorted(call.at for call in emulator.calls_to("sendMessage") if call.ok)
    assert len(arrived) == 90
    busiest = max(
        sum(1 for at in arrived[index:] if at < first + 1.0) for index, first in enumerate(arrived)
    )
    assert busiest <= 30
