"""Telegram's flood control: sliding windows per chat, per group and for the whole bot.

Telegram answers 429 "Too Many Requests: retry after N" when a bot sends more than about one
message per second to a chat, 20 per minute to a group or 30 per second overall. Time comes
from a monotonic clock (the event loop's), never wall time: the demo moves the bot's business
clock forward and that must not look like a burst or a pause to flood control.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from emulator.errors import too_many_requests


@dataclass(frozen=True)
class FloodLimits:
    """How many messages fit in each sliding window (count per period in seconds)."""

    per_chat: int = 1
    per_chat_period: float = 1.0
    per_group: int = 20
    per_group_period: float = 60.0
    overall: int = 30
    overall_period: float = 1.0


class _Window:
    __slots__ = ("limit", "period", "stamps")

    def __init__(self, limit: int, period: float):
        self.limit = limit
        self.period = period
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> float:
        """Seconds until one more message fits; 0 when it fits now."""
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[len(self.stamps) - self.limit] + self.period - now


class FloodControl:
    """Admits or refuses each sent message; refused ones do not count."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]):
        self.limits = limits
        self._clock = clock
        self._overall = _Window(limits.overall, limits.overall_period)
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}

    def admit(self, chat_id: int, *, is_group: bool) -> None:
        """Record one message to ``chat_id`` or raise the 429 ApiError Telegram would."""
        now = self._clock()
        windows = [self._overall, self._window(self._chats, chat_id, is_group=False)]
        if is_group:
            windows.append(self._window(self._groups, chat_id, is_group=True))
        wait = max(window.retry_after(now) for window in windows)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for window in windows:
            window.stamps.append(now)

    def _window(self, table: dict[int, _Window], chat_id: int, *, is_group: bool) -> _Window:
        if chat_id not in table:
            limits = self.limits
            table[chat_id] = (
                _Window(limits.per_group, limits.per_group_period)
                if is_group
                else _Window(limits.per_chat, limits.per_chat_period)
            )
        return table[chat_id]
