"""Sends that get through: Telegram's flood limits kept, failures retried for a while.

`ToolboxRateLimiter` is PTB's `AIORateLimiter` (which keeps the 30-a-second overall and the
20-a-minute group budgets, and waits out 429s) with four changes:

- only messages spend the overall budget: callback answers, edits, chat actions and
  getUpdates pass straight through (PTB counts every call that names a chat);
- the overall budget is taken when a message actually leaves, after any 429 pause, and is
  given back one second after Telegram answered it (`TrailingWindow`), so no one-second
  window on Telegram's side ever sees more than 30 (PTB takes budget from a leaky bucket
  before waiting out a 429 and then releases everything it held at once);
- a private chat gets about one message a second, with a short burst so a reply of a few
  messages (three cards) is not spread over seconds;
- 429s, 5xx answers and timeouts are retried with backoff until `retry_for` seconds have
  passed, not a fixed three times. Everything sent through `application.bot` (handlers,
  the error handler, reminders) takes this path.

Retrying after a timeout can repeat a message Telegram did receive but answered too
slowly; we accept that over losing the reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]

# Calls that put a new message in a chat: the ones Telegram's flood limits count.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendSticker", "sendVoice", "sendAudio",
        "sendVideo", "sendAnimation", "sendVideoNote", "sendMediaGroup", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "sendInvoice", "sendPaidMedia",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
    }
)  # fmt: skip
# A private chat may get this many at once (Telegram tolerates short bursts); then about
# one a second, so a reminder storm or a loop never floods one person.
PRIVATE_BURST = 20
RETRY_FOR = 60.0  # seconds a failing send keeps being retried
BACKOFF_START, BACKOFF_MAX = 0.5, 8.0


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait, in seconds.

    A timedelta with PTB's `PTB_TIMEDELTA` opt-in (set in bot/__init__.py: no deprecation
    warning); seconds if an operator turned it off.
    """
    value: int | float | dtm.timedelta = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


class TrailingWindow:
    """At most `limit` messages in flight or answered less than `period` seconds ago.

    Telegram counts a message when it arrives, in a sliding window (the emulator:
    emulator/flood.py). Spacing departures cannot guarantee that: network and scheduling
    jitter bunch arrivals together. A slot held until `period` after the answer can: the
    message that takes the slot back left after that answer, so it arrives more than
    `period` after the one before it in the window did. This costs the round trip once per
    slot (30 per 1.005 s at a 5 ms round trip). aiolimiter's leaky bucket cannot express
    it (it refills on a timer and lets a full bucket go at once after an idle spell), hence
    this small wrapper around a semaphore.
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._slots = asyncio.Semaphore(limit)

    async def acquire(self) -> None:
        await self._slots.acquire()

    def release_now(self) -> None:
        """Give the slot back unused (nothing was sent)."""
        self._slots.release()

    def release_later(self) -> None:
        """The message was answered (or failed): the slot returns after `period`."""
        asyncio.get_running_loop().call_later(self.period, self._slots.release)


class ToolboxRateLimiter(AIORateLimiter):
    def __init__(self, *, retry_for: float = RETRY_FOR, limits: bool = True) -> None:
        """`limits=False` keeps the retries but drops the budgets, for a Bot API server
        without flood control (benchmarks)."""
        super().__init__(
            overall_max_rate=30 if limits else 0,
            overall_time_period=1,
            group_max_rate=20 if limits else 0,
            group_time_period=60,
            max_retries=5,
        )
        self._limits = limits
        self._retry_for = retry_for
        self._private: dict[int, AsyncLimiter] = {}
        # Replaces PTB's overall leaky bucket, which `_run_request` below no longer uses.
        self._window = TrailingWindow(30, 1.0) if limits else None

    async def _run_request(
        self,
        chat: bool,
        group: str | int | bool,
        allow_paid_broadcast: bool,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> JSON:
        """PTB's `_run_request` with the budget taken after any 429 pause, not before.

        PTB enters its limiters and then waits for a 429 pause to end, so every request
        queued during the pause already holds budget and they all leave together when it
        ends: the burst that earns the next 429. Here a request first waits out the pause,
        then takes its slot, and looks again (a pause may have begun while it queued for
        the slot) before it leaves.
        """
        window = self._window
        if allow_paid_broadcast or not chat or window is None:
            return await super()._run_request(
                chat, group, allow_paid_broadcast, callback, args, kwargs
            )
        paused = self._retry_after_event
        group_context = (
            self._get_group_limiter(group)
            if group and self._group_max_rate
            else contextlib.nullcontext()
        )
        await paused.wait()
        async with group_context:
            while True:
                await paused.wait()
                await window.acquire()
                if paused.is_set():
                    break
                window.release_now()  # a 429 came in while we queued: wait it out first
            try:
                return await callback(*args, **kwargs)
            finally:
                window.release_later()

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._private) > 4096:  # forget chats whose budget is full again
            for key, limiter in list(self._private.items()):
                if limiter.has_capacity(PRIVATE_BURST):
                    del self._private[key]
        limiter = self._private.get(chat_id)
        if limiter is None:
            limiter = self._private[chat_id] = AsyncLimiter(PRIVATE_BURST, PRIVATE_BURST)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        if endpoint == "getUpdates":
            # The intake (bot/inbox_intake.py) has its own backoff for the long poll.
            return await callback(*args, **kwargs)
        is_message = endpoint in MESSAGE_METHODS
        chat_id = data.get("chat_id")
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._retry_for
        backoff = BACKOFF_START
        while True:
            try:
                if not is_message:
                    # Spends no budget, so PTB's limiter (its locks, its own retries) has
                    # nothing to do here: straight to the request, retried below.
                    return await callback(*args, **kwargs)
                if self._limits and isinstance(chat_id, int) and chat_id > 0:
                    async with self._private_limiter(chat_id):
                        return await super().process_request(
                            callback, args, kwargs, endpoint, data, rate_limit_args
                        )
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as exc:
                error: Exception = exc
                wait = retry_after_seconds(exc) + 0.1
            except BadRequest:
                raise  # our mistake: the same request would fail again
            except NetworkError as exc:  # 5xx, timeouts, connection errors
                error = exc
                wait, backoff = backoff, min(backoff * 2, BACKOFF_MAX)
                log.info("%s failed (%s); retrying in %.1f s", endpoint, exc, wait)
            if loop.time() + wait > give_up_at:
                log.warning("%s still failing after %.0f s; giving up", endpoint, self._retry_for)
                raise error
            await asyncio.sleep(wait)
