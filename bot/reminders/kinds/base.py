"""What every reminder kind provides, and what the engine hands it."""

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
    """One reminder the engine claimed, with what a kind needs to render it."""

    reminder_id: int
    user_id: int
    kind: str
    schedule: dict[str, Any]
    plan_id: int | None
    earned_id: int | None
    timezone: str  # the user's current zone
    language: str
    fire_at: datetime  # UTC


@dataclass(frozen=True)
class Outgoing:
    """A rendered reminder: translated HTML text, inline buttons and link buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    links: tuple[tuple[str, str], ...] = ()


class ReminderKind(Protocol):
    name: str
    stale_after: timedelta | None

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None: ...

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None: ...
