"""What a worker sees and changes in /reminders: everything scheduled, pause all and
resume, quiet hours, and the weekly check-in's day and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import EarnedCredential, Plan, Reminder, User
from bot.services.plans import CHECKIN_DEFAULT, next_fire_for, put_reminder

QUIET_DEFAULT = (time(21, 0), time(7, 0))


@dataclass(frozen=True)
class Scheduled:
    kind: str
    credential_id: str | None
    next_fire_at: datetime


@dataclass(frozen=True)
class Overview:
    scheduled: list[Scheduled]
    paused: bool  # reminders exist, none is on
    quiet: tuple[time, time]


async def overview(session: AsyncSession, user_id: int) -> Overview:
    rows = (
        await session.execute(
            select(Reminder, Plan.credential_id, EarnedCredential.credential_id)
            .outerjoin(Plan, Plan.id == Reminder.plan_id)
            .outerjoin(EarnedCredential, EarnedCredential.id == Reminder.earned_id)
            .where(Reminder.user_id == user_id)
            .order_by(Reminder.next_fire_at)
        )
    ).all()
    scheduled = [
        Scheduled(r.kind, plan_credential or earned_credential, r.next_fire_at)
        for r, plan_credential, earned_credential in rows
        if r.active and r.next_fire_at is not None
    ]
    user = await session.get(User, user_id)
    quiet = (
        (user.quiet_start, user.quiet_end)
        if user is not None and user.quiet_start is not None and user.quiet_end is not None
        else QUIET_DEFAULT
    )
    return Overview(scheduled, paused=bool(rows) and not scheduled, quiet=quiet)


async def pause_all(session: AsyncSession, user_id: int) -> None:
    for reminder in await session.scalars(select(Reminder).where(Reminder.user_id == user_id)):
        reminder.active = False


async def resume_all(session: AsyncSession, clock: Clock, user_id: int, zone: str) -> None:
    """Each reminder comes back at its next occurrence from now (no backlog of the pause);
    study reminders of paused or closed plans stay off."""
    now = clock.now()
    rows = (
        await session.execute(
            select(Reminder, Plan.status)
            .outerjoin(Plan, Plan.id == Reminder.plan_id)
            .where(Reminder.user_id == user_id)
        )
    ).all()
    for reminder, plan_status in rows:
        reminder.next_fire_at = next_fire_for(reminder.kind, reminder.schedule, zone, now)
        plan_ok = reminder.plan_id is None or plan_status == "active"
        reminder.active = plan_ok and reminder.next_fire_at is not None


async def set_quiet_hours(
    session: AsyncSession, clock: Clock, user_id: int, start: time, end: time
) -> None:
    user = await session.get(User, user_id)
    if user is not None:
        user.quiet_start, user.quiet_end = start, end
        user.updated_at = clock.now()


async def set_checkin(
    session: AsyncSession, clock: Clock, user_id: int, weekday: int, at: time, zone: str
) -> datetime | None:
    if not 0 <= weekday < 7:
        raise ValueError(weekday)
    schedule = {**CHECKIN_DEFAULT, "weekday": weekday, "time": at.strftime("%H:%M")}
    reminder = await put_reminder(session, clock, user_id, "weekly_checkin", schedule, zone)
    return reminder.next_fire_at
