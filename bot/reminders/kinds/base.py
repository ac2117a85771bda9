"""The contract every reminder kind fulfils, and the values the engine hands it.

A kind is a small object: when its next occurrence falls (`next_fire`, computed with
APScheduler's triggers in the user's timezone) and what it says (`compose`). The engine
owns everything else: claiming, quiet hours, staleness, retries and recording the send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import Button
from catalog import Catalog


@dataclass(frozen=True)
class Due:
    """One claimed occurrence, ready to be composed and sent."""

    reminder_id: int
    user_id: int
    kind: str
    schedule: dict[str, Any]
    plan_id: int | None
    earned_id: int | None
    timezone: str  # the user's current IANA zone (User.timezone, else the default)
    language: str
    fire_at: datetime  # UTC: the occurrence being sent


@dataclass(frozen=True)
class Outgoing:
    """A rendered reminder: translated HTML, callback buttons by row, and URL buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, url), one row each


class ReminderKind(Protocol):
    name: str
    # An occurrence found later than this after its time is skipped and rescheduled rather
    # than sent late ("study now" at midnight helps nobody); None = always send, once.
    stale_after: timedelta | None

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        """The first occurrence strictly after `after` (UTC), or None when there is none."""
        ...

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        """The message for this occurrence, or None when nothing is worth sending now."""
        ...
