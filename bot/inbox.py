"""The update inbox: every update Telegram sends is written here before Telegram is told
it arrived, handled from here, and marked done in the same transaction as the conversation
state it changed (see `DatabasePersistence.commit`). A crash leaves "pending" rows that the
next start finishes; an update that cannot be parsed, or that the process kept dying on
(`MAX_ATTEMPTS`), is set aside with its error (`python -m bot inbox`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.engine import make_engine
from bot.db.models import InboxUpdate

PENDING, DONE, SET_ASIDE = "pending", "done", "set_aside"
# Handled alone this many times without finishing (each time the process died): the
# update itself is the likely cause, so it is set aside instead of killing us again.
MAX_ATTEMPTS = 3
# Done rows are kept this long, so a re-delivered update_id is recognised and skipped.
KEEP_DONE = timedelta(days=2)
# The table, not the mapped class, in the statements on every update's path: an ORM-enabled
# INSERT or UPDATE goes through the ORM's bulk layer (and its session synchronisation),
# which cost more than the statement itself; these read nothing back into objects.
_INBOX = InboxUpdate.__table__


# Every chat waits while a batch is stored, so on SQLite a lock is given up on sooner
# than the handlers' 5 s (and the batch is then handled from memory).
SQLITE_LOCK_WAIT = 1.0


def make_inbox_engine(url: str) -> AsyncEngine:
    """An engine of the inbox's own, so its lock wait differs from the handlers'."""
    return make_engine(url, pool_size=2, sqlite_lock_wait=SQLITE_LOCK_WAIT)


@dataclass(frozen=True)
class SetAside:
    update_id: int
    received_at: datetime
    attempts: int
    error: str
    payload: dict[str, Any]


class UpdateInbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def add(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store updates not seen before; return those (the ones to handle now), in order.

        One INSERT ... ON CONFLICT DO NOTHING RETURNING: a re-delivered update_id (stored
        before a crash, never confirmed) is skipped here and finished by the recovery.
        """
        if not updates:
            return []
        now = self._clock.now()
        rows = [
            {"update_id": u["update_id"], "payload": u, "status": PENDING, "attempts": 0,
             "received_at": now}
            for u in updates
        ]  # fmt: skip
        async with self._sessions.begin() as session:
            connection = await session.connection()
            result = await connection.execute(_store_new(connection.dialect.name), rows)
            stored = set(result.scalars())
        return [u for u in updates if u["update_id"] in stored]

    async def next_offset(self) -> int | None:
        """The getUpdates offset that confirms everything already stored."""
        async with self._sessions() as session:
            highest = await session.scalar(select(func.max(InboxUpdate.update_id)))
        return None if highest is None else int(highest) + 1

    async def take_pending(self, limit: int) -> list[dict[str, Any]]:
        """The oldest pending updates a crash left, each counted as one more attempt.

        Updates that were already handed out before (in flight at a crash) are suspects:
        they come back one at a time, so a crash while one runs alone is charged to it
        only; after `MAX_ATTEMPTS` such crashes it is set aside instead of returned.
        Untried ones come back together, up to `limit`.
        """
        async with self._sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(InboxUpdate)
                    .where(InboxUpdate.status == PENDING)
                    .order_by(InboxUpdate.update_id)
                    .limit(limit)
                )
            )
            taken: list[dict[str, Any]] = []
            for row in rows:
                if row.attempts > 0:
                    if taken:
                        break  # a suspect waits until the untried ones before it are done
                    if row.attempts >= MAX_ATTEMPTS:
                        row.status = SET_ASIDE
                        row.error = f"the bot died while handling it, {row.attempts} times"
                        row.handled_at = self._clock.now()
                        continue
                    row.attempts += 1
                    taken.append(row.payload)
                    break
                row.attempts += 1
                taken.append(row.payload)
        return taken

    async def set_aside(self, update_id: int, error: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.update_id == update_id)
                .values(status=SET_ASIDE, error=error[:2000], handled_at=self._clock.now())
            )

    async def prune(self) -> int:
        """Forget done rows older than `KEEP_DONE`; set-aside rows stay for the operator."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(InboxUpdate).where(
                    InboxUpdate.status == DONE,
                    InboxUpdate.received_at < self._clock.now() - KEEP_DONE,
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def set_aside_list(self) -> list[SetAside]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(InboxUpdate)
                .where(InboxUpdate.status == SET_ASIDE)
                .order_by(InboxUpdate.update_id)
            )
            return [
                SetAside(r.update_id, r.received_at, r.attempts, r.error or "", r.payload)
                for r in rows
            ]

    async def counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
            )
            return {status: int(count) for status, count in rows}


@cache
def _store_new(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_INBOX)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(_INBOX.c.update_id)
    )


def mark_done(update_ids: list[int], now: datetime) -> Any:
    """The statement that marks handled updates done (run inside the state's transaction)."""
    return (
        update(_INBOX)
        .where(_INBOX.c.update_id.in_(update_ids), _INBOX.c.status == PENDING)
        .values(status=DONE, handled_at=now)
    )
