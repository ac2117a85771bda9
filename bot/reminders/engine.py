"""The reminder engine: claim due rows under a lease, then record what the send did.

The delivery guarantee comes from the order of operations, not from memory:

1. `claim` (one transaction, two statements): select due rows with
   `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer and ignores it), then in one
   executemany either lease each row (`lease_until`) for sending, or settle it at once:
   deferred to the end of the user's quiet hours, skipped as stale and rescheduled, or
   paused because the user blocked the bot. A leased row is invisible to other
   dispatchers until its lease ends.
2. The caller sends (outside any transaction).
3. `record` (one transaction, a few executemany statements): advance sent rows to their next
   occurrence, computed in the user's *current* zone; back off failed ones.

A crash between 1 and 3 leaves rows leased; when the lease ends they are claimed again and
re-sent, so at most the messages in flight repeat and none is lost. Several processes on one
PostgreSQL database never hold the same row, so each occurrence goes out once.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, String, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Reminder, User, UTCDateTime
from bot.reminders.kinds import KINDS, Due, ReminderKind
from bot.reminders.policy import BLOCKED, quiet_until, zone_of

log = logging.getLogger(__name__)

UNKNOWN_KIND_WAIT = timedelta(hours=1)  # a row of a kind this code does not know (yet)
BACKOFF_START = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)
MAX_FAILED_ATTEMPTS = 5  # for unexpected errors; network errors retry until stale


class Outcome(enum.Enum):
    """What became of one send, as the dispatcher saw it."""

    SENT = "sent"
    EMPTY = "empty"  # compose had nothing worth sending: advance silently
    REJECTED = "rejected"  # 400: resending the same thing will not help; advance
    BLOCKED = "blocked"  # 403: pause everything of this user until they come back
    TRANSIENT = "transient"  # network, 5xx, timeout, 429 after the limiter's retries
    FAILED = "failed"  # anything else (a bug in compose): a few tries, then advance


@dataclass(frozen=True)
class Result:
    due: Due
    outcome: Outcome
    retry_after: float | None = None  # seconds Telegram asked us to wait, if it did


@dataclass
class Batch:
    """What one claim took: the occurrences to send and what it settled without sending."""

    due: list[Due] = field(default_factory=list)
    lease_until: datetime | None = None
    attempts: dict[int, int] = field(default_factory=dict)
    deferred: int = 0  # quiet hours
    skipped: int = 0  # stale
    paused: int = 0  # owner blocked the bot
    scanned: int = 0  # rows the claim looked at (a full batch means: claim again)


def _backoff(attempts: int, retry_after: float | None) -> timedelta:
    wait = min(BACKOFF_START * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


_reminders = Reminder.__table__
# One statement shape for every way a claim settles a row, run as one executemany.
_SETTLE = (
    update(_reminders)
    .where(_reminders.c.id == bindparam("r_id"))
    .values(
        next_fire_at=bindparam("r_next", type_=UTCDateTime()),
        lease_until=bindparam("r_lease", type_=UTCDateTime()),
        active=bindparam("r_active", type_=Boolean()),
        paused_by=bindparam("r_paused", type_=String()),
    )
)


async def claim(
    session: AsyncSession,
    now: datetime,
    *,
    default_tz: str,
    limit: int,
    lease: timedelta,
) -> Batch:
    """Take up to `limit` due occurrences for sending; settle the ones not to send now.

    Call inside a transaction and commit before sending: the lease is what keeps other
    dispatchers away, and it only counts once committed.
    """
    rows = (
        await session.execute(
            select(
                Reminder.id,
                Reminder.user_id,
                Reminder.kind,
                Reminder.schedule,
                Reminder.plan_id,
                Reminder.earned_id,
                Reminder.next_fire_at,
                Reminder.attempts,
                User.timezone,
                User.language,
                User.quiet_start,
                User.quiet_end,
                User.is_active,
            )
            .join(User, User.id == Reminder.user_id)
            .where(
                Reminder.active.is_(True),
                Reminder.next_fire_at <= now,
                or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
            )
            .order_by(Reminder.next_fire_at)
            .limit(limit)
            .with_for_update(of=Reminder, skip_locked=True)
        )
    ).all()
    batch = Batch(lease_until=now + lease, scanned=len(rows))
    settle: list[dict[str, Any]] = []
    for row in rows:
        kind = KINDS.get(row.kind)
        if kind is None:
            log.warning(
                "Reminder %s has unknown kind %r; waiting for code that knows it", row.id, row.kind
            )
            settle.append(_settled(row.id, row.next_fire_at, lease=now + UNKNOWN_KIND_WAIT))
            continue
        zone = zone_of(row.timezone, default_tz)
        if not row.is_active:
            settle.append(_settled(row.id, None, paused=BLOCKED))
            batch.paused += 1
            continue
        if kind.stale_after is not None and now - row.next_fire_at > kind.stale_after:
            following = kind.next_fire(row.schedule, zone, now)
            settle.append(_settled(row.id, following, active=following is not None))
            batch.skipped += 1
            continue
        wake = quiet_until(now, zone, row.quiet_start, row.quiet_end)
        if wake is not None:
            settle.append(_settled(row.id, wake))
            batch.deferred += 1
            continue
        settle.append(_settled(row.id, row.next_fire_at, lease=batch.lease_until))
        batch.attempts[row.id] = row.attempts
        batch.due.append(
            Due(
                reminder_id=row.id,
                user_id=row.user_id,
                kind=row.kind,
                schedule=dict(row.schedule or {}),
                plan_id=row.plan_id,
                earned_id=row.earned_id,
                timezone=zone.key,
                language=row.language,
                fire_at=row.next_fire_at,
            )
        )
    if settle:
        await session.execute(_SETTLE, settle)
    return batch


def _settled(
    reminder_id: int,
    next_fire_at: datetime | None,
    *,
    lease: datetime | None = None,
    active: bool = True,
    paused: str | None = None,
) -> dict[str, Any]:
    return {
        "r_id": reminder_id,
        "r_next": next_fire_at,
        "r_lease": lease,
        "r_active": active,
        "r_paused": paused,
    }


# Recording is guarded by the lease value the claim wrote: if this dispatcher was so slow
# that its lease ended and another one took the row, the late write changes nothing.
_ADVANCE = (
    update(_reminders)
    .where(_reminders.c.id == bindparam("r_id"), _reminders.c.lease_until == bindparam("r_held"))
    .values(
        next_fire_at=bindparam("r_next", type_=UTCDateTime()),
        active=bindparam("r_active", type_=Boolean()),
        lease_until=None,
        attempts=0,
    )
)
_ADVANCE_SENT = _ADVANCE.values(last_fired_at=bindparam("r_sent", type_=UTCDateTime()))
_BACK_OFF = (
    update(_reminders)
    .where(_reminders.c.id == bindparam("r_id"), _reminders.c.lease_until == bindparam("r_held"))
    .values(
        lease_until=bindparam("r_lease", type_=UTCDateTime()),
        attempts=bindparam("r_attempts", type_=Integer()),
    )
)


async def record(
    session: AsyncSession, now: datetime, batch: Batch, results: Sequence[Result]
) -> None:
    """Write what each send did. Call in a new transaction after the sends."""
    held = batch.lease_until
    sent: list[dict[str, Any]] = []
    advanced: list[dict[str, Any]] = []
    backed_off: list[dict[str, Any]] = []
    blocked_users: set[int] = set()
    for result in results:
        due = result.due
        kind: ReminderKind = KINDS[due.kind]
        attempts = batch.attempts.get(due.reminder_id, 0) + 1
        outcome = result.outcome
        if outcome is Outcome.BLOCKED:
            blocked_users.add(due.user_id)
            continue
        if outcome is Outcome.TRANSIENT or (
            outcome is Outcome.FAILED and attempts < MAX_FAILED_ATTEMPTS
        ):
            backed_off.append(
                {
                    "r_id": due.reminder_id,
                    "r_held": held,
                    "r_lease": now + _backoff(attempts, result.retry_after),
                    "r_attempts": attempts,
                }
            )
            continue
        # After downtime the next occurrence is counted from now: one message, not a replay.
        following = kind.next_fire(due.schedule, ZoneInfo(due.timezone), max(now, due.fire_at))
        params = {
            "r_id": due.reminder_id,
            "r_held": held,
            "r_next": following,
            "r_active": following is not None,
        }
        if outcome is Outcome.SENT:
            sent.append({**params, "r_sent": now})
        else:
            advanced.append(params)
    if sent:
        await session.execute(_ADVANCE_SENT, sent)
    if advanced:
        await session.execute(_ADVANCE, advanced)
    if backed_off:
        await session.execute(_BACK_OFF, backed_off)
    if blocked_users:
        await block_users(session, now, blocked_users)


async def block_users(session: AsyncSession, now: datetime, user_ids: set[int]) -> None:
    """Telegram said 403: mark the users inactive and pause all their reminders."""
    await session.execute(
        update(User)
        .where(User.id.in_(user_ids))
        .values(is_active=False, blocked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Reminder)
        .where(Reminder.user_id.in_(user_ids), Reminder.paused_by.is_(None))
        .values(paused_by=BLOCKED, next_fire_at=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
