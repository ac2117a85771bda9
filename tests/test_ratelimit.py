"""ToolboxRateLimiter on its own: Telegram's message budget is spent on messages only, and
failures are retried for a bounded time. (End to end through the emulator: see
test_send_faults.py.)"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.ratelimit import ToolboxRateLimiter


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
