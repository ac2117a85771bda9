"""Study plans and the weekly check-in that nudges them."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Plan, Reminder

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def start_plan(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    credential_id: str,
    weekly_hours: int | None,
) -> tuple[Plan, bool]:
    """Return the active plan for this credential, creating it; the flag says if it is new."""
    existing = await session.scalar(
        select(Plan).where(
            Plan.user_id == user_id, Plan.credential_id == credential_id, Plan.status == "active"
        )
    )
    if existing is not None:
        return existing, False
    plan = Plan(
        user_id=user_id,
        credential_id=credential_id,
        status="active",
        weekly_hours=weekly_hours,
        steps=[],
        started_at=clock.now(),
    )
    session.add(plan)
    await session.flush()
    return plan, True


def next_weekly(weekday: int, at: time, timezone: str, after: datetime) -> datetime:
    """The next occurrence in the user's own timezone (APScheduler handles DST)."""
    trigger = CronTrigger(
        day_of_week=WEEKDAYS[weekday], hour=at.hour, minute=at.minute, timezone=ZoneInfo(timezone)
    )
    fire = trigger.get_next_fire_time(None, after)
    assert fire is not None  # a weekly cron always has a next time
    return fire


async def schedule_weekly_checkin(
    session: AsyncSession, clock: Clock, user_id: int, weekday: int, at: time, timezone: str
) -> Reminder:
    """One weekly check-in per user, stored with its next fire time; the DB is the truth."""
    reminder = await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == "weekly_checkin")
    )
    if reminder is None:
        reminder = Reminder(user_id=user_id, kind="weekly_checkin", active=True)
        session.add(reminder)
    reminder.schedule = {"weekday": weekday, "time": at.strftime("%H:%M")}
    reminder.timezone = timezone
    reminder.active = True
    reminder.next_fire_at = next_weekly(weekday, at, timezone, clock.now())
    return reminder
