"""Study plans and the weekly check-in that nudges them."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Plan, Reminder
from bot.reminders.schedules import WEEKLY_CHECKIN as CHECKIN
from bot.reminders.schedules import checkin_schedule, parse_hhmm
from bot.services import reminders


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


async def schedule_weekly_checkin(
    session: AsyncSession, clock: Clock, user_id: int, weekday: int, at: time, default_tz: str
) -> Reminder:
    """One weekly check-in per user: its schedule is the only record of the day and time.

    The time is local to the user's current timezone (`default_tz` when they have none);
    a later region change moves it (`reminders.reschedule_user`).
    """
    schedule = checkin_schedule(weekday, at)
    reminder = await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == CHECKIN)
    )
    if reminder is None:
        return await reminders.add_reminder(
            session, clock, user_id, CHECKIN, schedule, default_tz=default_tz
        )
    return await reminders.set_schedule(session, clock, reminder, schedule, default_tz=default_tz)


async def weekly_checkin(session: AsyncSession, user_id: int) -> tuple[int, time] | None:
    """The check-in day (0 = Monday) and local time, read from the reminder that holds them."""
    reminder = await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == CHECKIN)
    )
    if reminder is None or not reminder.active:
        return None
    return int(reminder.schedule["weekday"]), parse_hhmm(reminder.schedule["time"])
