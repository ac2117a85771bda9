"""Scripted trouble for fault tests: the next calls of some methods answer 429, 5xx, or
slowly, the way a struggling Bot API does.

    emu.faults.fail(429, times=3, retry_after=1)         # sendMessage gets three 429s
    emu.faults.fail(500, times=2, methods=("editMessageText",))
    emu.faults.slow(2.0, times=50, chat_id=1001)         # this chat's sends take 2 s each

A slow call whose client gave up waiting (a timeout) is dropped unprocessed, like a request
lost before it reached Telegram. Faults are not logged as calls; ``injected`` counts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import ApiError, too_many_requests

SENDS = ("sendMessage",)
_DESCRIPTIONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Fault:
    methods: frozenset[str]
    times: int
    status: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    chat_id: int | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.times <= 0 or method.lower() not in self.methods:
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        if self.status == 429:
            return too_many_requests(self.retry_after)
        return ApiError(self.status, _DESCRIPTIONS.get(self.status, "Server Error"))


@dataclass
class Faults:
    rules: list[Fault] = field(default_factory=list)
    injected: list[tuple[str, str]] = field(default_factory=list)  # (method, what happened)

    def fail(
        self,
        status: int,
        *,
        times: int,
        retry_after: int = 1,
        methods: Iterable[str] = SENDS,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with HTTP ``status`` (429 or 5xx)."""
        self.rules.append(
            Fault(_names(methods), times, status=status, retry_after=retry_after, chat_id=chat_id)
        )

    def slow(
        self,
        seconds: float,
        *,
        times: int,
        methods: Iterable[str] = SENDS,
        chat_id: int | None = None,
    ) -> None:
        """Hold the next ``times`` matching calls ``seconds`` before handling them."""
        self.rules.append(Fault(_names(methods), times, delay=seconds, chat_id=chat_id))

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The fault for this call, if one is scripted (and count it used)."""
        for rule in self.rules:
            if rule.matches(method, params):
                rule.times -= 1
                what = f"HTTP {rule.status}" if rule.status else f"slow {rule.delay:g}s"
                self.injected.append((method, what))
                return rule
        return None


def _names(methods: Iterable[str]) -> frozenset[str]:
    return frozenset(m.lower() for m in methods)
