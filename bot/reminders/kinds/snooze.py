"""Snooze: a one-off repeat of a study reminder an hour later."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Plan, Reminder
from bot.i18n import translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.kinds.study import STALE_AFTER, study_message
from bot.reminders.triggers import next_once
from catalog import Catalog

SNOOZE = timedelta(hours=1)


class SnoozeKind:
    name = "snooze"
    stale_after: timedelta | None = STALE_AFTER

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        return next_once(schedule, zone, after)

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        plan = await session.get(Plan, due.plan_id) if due.plan_id is not None else None
        if plan is None or plan.status != "active":
            return None
        study = await session.scalar(
            select(Reminder).where(Reminder.plan_id == plan.id, Reminder.kind == "study")
        )
        today = now.astimezone(ZoneInfo(due.timezone)).date()
        schedule = study.schedule if study is not None else {}
        return await study_message(
            session, catalog, plan, translator(due.language), schedule, today
        )


KIND = SnoozeKind()
