"""The weekly check-in: the worker's chosen day and time, in their current timezone.

Schedule: {"weekday": 0-6 (0 = Monday), "time": "HH:MM"}. This row is the only place the
check-in day and time are stored.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Plan
from bot.i18n import translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.schedules import WEEKLY_CHECKIN, parse_hhmm
from bot.reminders.triggers import next_weekly
from catalog import Catalog


class WeeklyCheckin:
    name = WEEKLY_CHECKIN
    # A check-in missed during downtime is still worth one message (coalesced), not seven.
    stale_after: timedelta | None = None

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        return next_weekly(int(schedule["weekday"]), parse_hhmm(schedule["time"]), zone, after)

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        t = translator(due.language)
        credential_ids = await session.scalars(
            select(Plan.credential_id)
            .where(Plan.user_id == due.user_id, Plan.status == "active")
            .order_by(Plan.started_at)
        )
        names = [catalog.credentials[c].name for c in credential_ids if c in catalog.credentials]
        if names:
            text = t(
                "Weekly check-in: how is <b>{name}</b> going? Even one hour this week counts.",
                name=html.escape(names[0], quote=False),
            )
        else:
            text = t(
                "Weekly check-in: ready to pick a credential? /recommend shows your best three."
            )
        return Outgoing(text=text)


KIND = WeeklyCheckin()
