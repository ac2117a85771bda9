"""Users: who is talking to us, in which language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, object_session

from bot.clock import Clock
from bot.db.models import User
from bot.i18n import pick_language
from bot.reminders.policy import BLOCKED
from bot.services.reminders import pause_user_reminders, resume_user_reminders

SEEN_MAX = 20_000  # users remembered per database (a few MB at most)
SEEN_EVERY = timedelta(hours=1)  # how fresh users.last_seen_at is kept (/stats, broadcast)


@dataclass(frozen=True)
class Speaker:
    """What a turn needs of the user's row."""

    language: str
    language_chosen: bool


@dataclass(frozen=True)
class _Seen:
    first_name: str
    language_code: str | None
    speaker: Speaker
    last_seen_at: datetime


class _SeenUsers:
    """Users whose row this process read as it stands, with what Telegram said of them then.

    `touch_user` skips the database for them while Telegram says the same: most updates
    change nothing about the user. The database stays the source of truth: an entry is
    dropped whenever anything in this process writes that user's row (ORM flush or an
    ORM INSERT/UPDATE/DELETE statement), again when that transaction ends, and a restart starts
    empty. `generation` moves on with every such write, so a read that a write overtook is
    not remembered.
    """

    def __init__(self) -> None:
        self.users: dict[int, _Seen] = {}
        self.generation = 0

    def forget(self, user_id: int | None) -> None:
        self.generation += 1
        if user_id is None:
            self.users.clear()
        else:
            self.users.pop(user_id, None)


# Keyed by database, not by engine object: a write through another engine of this process
# (the same database) must drop the entry too.
_seen: dict[tuple[Any, ...], _SeenUsers] = {}


def _seen_users(bind: Engine | Connection) -> _SeenUsers:
    url = bind.engine.url
    key = (url.get_backend_name(), url.host, url.port, url.database)
    seen = _seen.get(key)
    if seen is None:
        seen = _seen[key] = _SeenUsers()
    return seen


def _written(session: Session | None, bind: Engine | Connection, user_id: int | None) -> None:
    seen = _seen_users(bind)
    seen.forget(user_id)
    if session is not None:  # forget again when the transaction ends (commit or rollback)
        session.info.setdefault("toolbox_users_written", set()).add((seen, user_id))


@event.listens_for(User, "after_insert")
@event.listens_for(User, "after_update")
@event.listens_for(User, "after_delete")
def _user_row_written(_mapper: Any, connection: Connection, target: User) -> None:
    _written(object_session(target), connection, target.id)


@event.listens_for(Session, "do_orm_execute")
def _users_statement(state: ORMExecuteState) -> None:
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and state.bind_mapper is User.__mapper__:
        _written(state.session, state.session.get_bind(mapper=User.__mapper__), None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost one: committed, rolled back or closed
        for seen, user_id in session.info.pop("toolbox_users_written", ()):
            seen.forget(user_id)


def known_speaker(
    bind: Engine | Connection,
    clock: Clock,
    user_id: int,
    first_name: str,
    language_code: str | None,
) -> Speaker | None:
    """What `touch_user` would return, when it would need no statement at all (the user
    seen unchanged, `_SeenUsers`), without opening a session; else None."""
    known = _seen_users(bind).users.get(user_id)
    if (
        known is not None
        and (known.first_name, known.language_code) == (first_name[:128], language_code)
        and clock.now() - known.last_seen_at < SEEN_EVERY
    ):
        return known.speaker
    return None


async def touch_user(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    first_name: str,
    language_code: str | None,
    *,
    default_tz: str,
) -> Speaker:
    """Create the user on first contact; keep name and (unless chosen) language fresh.

    A user who had blocked the bot and writes again is active again, and so are the
    reminders that were paused for it (from now on: nothing missed is replayed).
    No database round trip when this user was seen with the same name and language and
    their row has not been written since (see `_SeenUsers`).
    """
    first_name = first_name[:128]
    now = clock.now()
    seen = _seen_users(session.get_bind())
    if (speaker := known_speaker(session.get_bind(), clock, user_id, first_name, language_code)):
        return speaker
    generation = seen.generation
    user = await session.get(User, user_id)
    if user is None:
        user = User(
            id=user_id,
            first_name=first_name[:128],
            language=pick_language(language_code),
            language_chosen=False,
            is_active=True,
            last_seen_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        return Speaker(user.language, user.language_chosen)
    # Only real changes are written: /help must work while the database is read-only.
    language = pick_language(language_code) if language_code else user.language
    if not user.is_active:
        user.is_active = True
        user.blocked_at = None
        await resume_user_reminders(session, clock, user_id, BLOCKED, default_tz)
    if user.first_name != first_name:
        user.first_name = first_name
    if not user.language_chosen and user.language != language:
        user.language = language
    speaker = Speaker(user.language, user.language_chosen)
    if user in session.dirty and session.is_modified(user):
        user.updated_at = now
    if user.last_seen_at is None or now - user.last_seen_at >= SEEN_EVERY:
        user.last_seen_at = now  # hourly at most, so a read-only database rarely matters
    elif seen.generation == generation and not session.is_modified(user):
        # The row as stored matches what Telegram says now: remembered until written, or
        # until last_seen_at is due again.
        while len(seen.users) >= SEEN_MAX:
            del seen.users[next(iter(seen.users))]
        seen.users[user_id] = _Seen(first_name, language_code, speaker, user.last_seen_at)
    return speaker


async def choose_language(session: AsyncSession, clock: Clock, user_id: int, language: str) -> str:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    user.language = pick_language(language)
    user.language_chosen = True
    user.updated_at = clock.now()
    return user.language


async def mark_blocked(session: AsyncSession, clock: Clock, user_id: int) -> None:
    """Telegram said 403: stop writing to this user, reminders included, until they return."""
    user = await session.get(User, user_id)
    if user is not None:
        user.is_active = False
        user.blocked_at = clock.now()
        await pause_user_reminders(session, user_id, BLOCKED)
