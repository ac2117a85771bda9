"""Reminders as the rest of the bot sees them: create, move, pause and resume.

The row is the truth (kind, owner, schedule, `next_fire_at` in UTC); the timezone is the
owner's current one, read when an occurrence is computed, so these functions recompute
`next_fire_at` whenever something it depends on changes. Sending is the engine's job
(`bot/reminders/engine.py`, driven by `bot/reminders/dispatcher.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Reminder, User
from bot.reminders.policy import BLOCKED, zone_of

if TYPE_CHECKING:
    from bot.reminders.kinds.base import ReminderKind


def _kind(name: str) -> ReminderKind:
    # Imported here, not at the top: kinds compose their messages from services (plans,
    # progress), and services schedule kinds; a top-level import would be circular.
    from bot.reminders.kinds import KINDS

    return KINDS[name]


async def user_zone_name(session: AsyncSession, user_id: int, default_tz: str) -> str:
    user = await session.get(User, user_id)
    return zone_of(user.timezone if user else None, default_tz).key


async def add_reminder(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    kind: str,
    schedule: dict[str, Any],
    *,
    default_tz: str,
    plan_id: int | None = None,
    earned_id: int | None = None,
) -> Reminder:
    """A new reminder of `kind`, its first occurrence computed in the user's zone now."""
    reminder = Reminder(
        user_id=user_id,
        kind=kind,
        schedule=schedule,
        plan_id=plan_id,
        earned_id=earned_id,
        active=True,
        attempts=0,
    )
    await _place(session, clock, reminder, default_tz)
    session.add(reminder)
    await session.flush()
    return reminder


async def set_schedule(
    session: AsyncSession,
    clock: Clock,
    reminder: Reminder,
    schedule: dict[str, Any],
    *,
    default_tz: str,
) -> Reminder:
    """Change when a reminder fires (a new check-in time, new study days)."""
    reminder.schedule = schedule
    reminder.active = True
    reminder.attempts = 0
    reminder.lease_until = None
    await _place(session, clock, reminder, default_tz)
    return reminder


async def _place(session: AsyncSession, clock: Clock, reminder: Reminder, default_tz: str) -> None:
    user = await session.get(User, reminder.user_id)
    zone = zone_of(user.timezone if user else None, default_tz)
    following = _kind(reminder.kind).next_fire(reminder.schedule, zone, clock.now())
    if reminder.paused_by is None:
        reminder.next_fire_at = following
    reminder.active = following is not None


async def _zone_now_and_reminders(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    default_tz: str,
    *where: ColumnElement[bool],
) -> tuple[ZoneInfo, datetime, Sequence[Reminder]]:
    """The user's zone, the time now, and their reminders that match `where`; no
    reminders for a user who is not there."""
    user = await session.get(User, user_id)
    zone = zone_of(user.timezone if user else None, default_tz)
    now = clock.now()
    if user is None:
        return zone, now, ()
    reminders = await session.scalars(select(Reminder).where(Reminder.user_id == user_id, *where))
    return zone, now, reminders.all()


async def reschedule_user(
    session: AsyncSession, clock: Clock, user_id: int, default_tz: str
) -> int:
    """Recompute every active reminder of a user in their current zone; return how many.

    Called when the timezone changes. A pending occurrence whose new local time has
    already passed is sent now rather than dropped (a one-off alert still matters).
    """
    zone, now, reminders = await _zone_now_and_reminders(
        session, clock, user_id, default_tz, Reminder.active.is_(True), Reminder.paused_by.is_(None)
    )
    for reminder in reminders:
        following = _kind(reminder.kind).next_fire(reminder.schedule, zone, now)
        if following is None:
            pending = reminder.next_fire_at is not None and reminder.next_fire_at > now
            following = now if pending else None
        if reminder.next_fire_at is None or reminder.next_fire_at > now:
            # Overdue rows are left to the dispatcher: they are due either way.
            reminder.next_fire_at = following
            reminder.active = following is not None
    return len(reminders)


async def pause_user_reminders(session: AsyncSession, user_id: int, reason: str) -> int:
    """Pause every unpaused reminder of a user (`reason` says who may resume them)."""
    reminders = (
        await session.scalars(
            select(Reminder).where(Reminder.user_id == user_id, Reminder.paused_by.is_(None))
        )
    ).all()
    for reminder in reminders:
        reminder.paused_by = reason
        reminder.next_fire_at = None
        reminder.lease_until = None
    return len(reminders)


async def resume_user_reminders(
    session: AsyncSession, clock: Clock, user_id: int, reason: str, default_tz: str
) -> int:
    """Resume the reminders paused for `reason`, from now on: nothing missed is replayed."""
    zone, now, reminders = await _zone_now_and_reminders(
        session, clock, user_id, default_tz, Reminder.paused_by == reason
    )
    for reminder in reminders:
        reminder.paused_by = None
        reminder.attempts = 0
        if not reminder.active:
            continue
        following = _kind(reminder.kind).next_fire(reminder.schedule, zone, now)
        reminder.next_fire_at = following
        reminder.active = following is not None
    return len(reminders)


async def resume_after_block(
    session: AsyncSession, clock: Clock, user_id: int, default_tz: str
) -> int:
    """The user is back after blocking the bot: their reminders run again."""
    return await resume_user_reminders(session, clock, user_id, BLOCKED, default_tz)


async def reminders_of(session: AsyncSession, user_id: int) -> list[Reminder]:
    """A user's active reminders, soonest first (paused ones last)."""
    rows = await session.scalars(
        select(Reminder)
        .where(Reminder.user_id == user_id, Reminder.active.is_(True))
        .order_by(Reminder.next_fire_at.is_(None), Reminder.next_fire_at, Reminder.id)
    )
    return list(rows)


def local_time(moment: datetime, zone_name: str) -> datetime:
    """A UTC instant on the user's clock, for display."""
    return moment.astimezone(zone_of(zone_name, "UTC"))
