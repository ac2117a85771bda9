"""What a worker sees and changes in /reminders: everything scheduled, pause all and
resume, quiet hours, and the weekly check-in's day and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import EarnedCredential, Plan, Reminder, User
from bot.reminders.policy import DEFAULT_QUIET
from bot.services import reminders
from bot.services.plans import CHECKIN, CHECKIN_DEFAULT, put_reminder

PAUSED_BY_USER = "user"  # Reminder.paused_by for "Pause all" in /reminders


@dataclass(frozen=True)
class Scheduled:
    kind: str
    credential_id: str | None
    next_fire_at: datetime


@dataclass(frozen=True)
class Overview:
    scheduled: list[Scheduled]
    paused: bool  # the worker paused everything
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
        else DEFAULT_QUIET
    )
    paused = any(r.paused_by == PAUSED_BY_USER for r, _, _ in rows)
    return Overview(scheduled, paused=paused, quiet=quiet)


async def pause_all(session: AsyncSession, user_id: int) -> None:
    await reminders.pause_user_reminders(session, user_id, PAUSED_BY_USER)


async def resume_all(session: AsyncSession, clock: Clock, user_id: int, zone: str) -> None:
    """Each reminder comes back at its next occurrence from now (no backlog of the pause);
    study reminders of paused or closed plans stay off (they are inactive)."""
    await reminders.resume_user_reminders(session, clock, user_id, PAUSED_BY_USER, zone)


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
    reminder = await put_reminder(session, clock, user_id, CHECKIN, schedule, zone)
    return reminder.next_fire_at


async def next_due_at(
    session: AsyncSession, until: datetime, kinds: tuple[str, ...] | None = None
) -> datetime | None:
    """The earliest occurrence due by `until`, of `kinds` when given (the demo's `/time`
    stops at each one)."""
    query = select(func.min(Reminder.next_fire_at)).where(
        Reminder.active.is_(True), Reminder.next_fire_at <= until
    )
    if kinds is not None:
        query = query.where(Reminder.kind.in_(kinds))
    return await session.scalar(query)
