"""Figures for operators: /stats and /healthz read them from the database, the one truth
every process shares (a standby reports the same as the leader)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BroadcastSend, InboxUpdate, Plan, Reminder, User

ACTIVE_DAYS = 7


@dataclass(frozen=True)
class Stats:
    users: int
    active_7d: int
    active_plans: int
    reminders_today: int  # fired since midnight UTC
    updates_set_aside: int  # updates the bot could not handle (see `python -m bot inbox`)
    broadcasts_failed: int
    dispatcher_lag: float  # seconds; 0 when nothing due is waiting


async def dispatcher_lag(session: AsyncSession, now: datetime) -> float:
    """How late the reminder dispatcher runs: the oldest reminder due and still unsent.

    Read from the reminders table, so it is right whichever process dispatches (and says
    when none does: a dead dispatcher makes this grow).
    """
    oldest = await session.scalar(
        select(func.min(Reminder.next_fire_at)).where(
            Reminder.active.is_(True), Reminder.next_fire_at <= now
        )
    )
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # an aggregate skips the column type's UTC conversion
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())


async def collect(session: AsyncSession, now: datetime) -> Stats:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)

    async def count(query: object) -> int:
        return int(await session.scalar(query) or 0)  # type: ignore[call-overload]

    return Stats(
        users=await count(select(func.count()).select_from(User)),
        active_7d=await count(
            select(func.count())
            .select_from(User)
            .where(User.last_seen_at >= now - timedelta(days=ACTIVE_DAYS))
        ),
        active_plans=await count(
            select(func.count()).select_from(Plan).where(Plan.status == "active")
        ),
        reminders_today=await count(
            select(func.count()).select_from(Reminder).where(Reminder.last_fired_at >= midnight)
        ),
        updates_set_aside=await count(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "set_aside")
        ),
        broadcasts_failed=await count(
            select(func.count()).select_from(BroadcastSend).where(BroadcastSend.status == "failed")
        ),
        dispatcher_lag=await dispatcher_lag(session, now),
    )
