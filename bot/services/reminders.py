"""The reminder engine's data side: what is due, and when each fires next.

The database is the source of truth; APScheduler only wakes the dispatcher
(`handlers/reminders.py`), and APScheduler's triggers compute each next occurrence in
the user's own timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Plan, Reminder, User
from bot.services.plans import next_weekly


@dataclass(frozen=True)
class DueReminder:
    reminder_id: int
    user_id: int
    kind: str
    language: str
    credential_ids: tuple[str, ...]
    deliver: bool  # False for users who blocked the bot: advance, but send nothing


async def take_due(session: AsyncSession, now: datetime, limit: int = 200) -> list[DueReminder]:
    """Claim due reminders: advance each to its next occurrence and return what to send.

    Advancing first means a crash between claim and send skips one nudge rather than
    sending it twice: a missed check-in is kinder than a duplicate.
    """
    rows = (
        await session.execute(
            select(Reminder, User)
            .join(User, User.id == Reminder.user_id)
            .where(Reminder.active.is_(True), Reminder.next_fire_at <= now)
            .order_by(Reminder.next_fire_at)
            .limit(limit)
        )
    ).all()
    due: list[DueReminder] = []
    for reminder, user in rows:
        plans = await session.scalars(
            select(Plan.credential_id).where(Plan.user_id == user.id, Plan.status == "active")
        )
        reminder.last_fired_at = now
        if reminder.kind == "weekly_checkin":
            schedule = reminder.schedule
            hour, minute = (int(part) for part in schedule["time"].split(":"))
            reminder.next_fire_at = next_weekly(
                int(schedule["weekday"]), time(hour, minute), reminder.timezone, now
            )
        else:
            reminder.active = False  # one-off reminders fire once
        due.append(
            DueReminder(
                reminder.id, user.id, reminder.kind, user.language, tuple(plans), user.is_active
            )
        )
    return due
