"""The one clock all product code reads time from.

The demo and the tests move it forward (`advance`) so reminders and weekly nudges can be
seen at once; production uses the system time unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time in UTC plus an offset that only ever grows."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            if start.tzinfo is None:
                raise ValueError("the clock needs an aware datetime")
            self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    @property
    def offset(self) -> timedelta:
        return self._offset
