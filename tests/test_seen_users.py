"""`touch_user` (every update's first step) skips the database for a user whose row it read
unchanged, and never answers from a stale row: every write of that row, through any
session of the process, drops what it remembered. SQLite always, PostgreSQL when
TEST_POSTGRES_URL names a server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.db.models import User
from bot.services.users import Speaker, choose_language, mark_blocked, touch_user
from tests.databases import database

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with database(request.param, tmp_path) as url:
        engine = make_engine(url)
        await upgrade_to_head(engine)
        yield engine
        await engine.dispose()


def statements_of(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split()[0].upper())

    return seen


async def touch(engine: AsyncEngine, name: str = "Ana", language: str | None = "en") -> Speaker:
    async with make_sessionmaker(engine).begin() as session:
        return await touch_user(session, Clock(START), 7, name, language, default_tz="UTC")


async def test_a_user_seen_unchanged_costs_no_statement(engine: AsyncEngine) -> None:
    await touch(engine)  # first contact: created
    await touch(engine)  # read as stored: remembered
    statements = statements_of(engine)
    assert await touch(engine) == Speaker("en", False)
    assert statements == []
    # Telegram now says another name: read and written, then remembered again.
    assert await touch(engine, "Ana María") == Speaker("en", False)
    assert statements == ["SELECT", "UPDATE"]
    await touch(engine, "Ana María")
    await touch(engine, "Ana María")
    assert statements == ["SELECT", "UPDATE", "SELECT"]


async def test_every_write_of_the_row_drops_what_was_remembered(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    clock = Clock(START)
    await touch(engine)
    await touch(engine)
    # The worker blocked us: their next update must bring them back.
    async with sessions.begin() as session:
        await mark_blocked(session, clock, 7)
    await touch(engine)
    async with sessions() as session:
        user = await session.get(User, 7)
        assert user is not None and user.is_active and user.blocked_at is None
    # A language chosen in /language is what the next turn speaks.
    await touch(engine)
    async with sessions.begin() as session:
        await choose_language(session, clock, 7, "es")
    assert await touch(engine) == Speaker("es", True)
    # An ORM UPDATE statement, not only a flushed object, drops it too.
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.id == 7).values(language="en"))
    assert await touch(engine) == Speaker("en", True)


async def test_a_write_rolled_back_is_not_remembered(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    await touch(engine)
    await touch(engine)

    class Refused(Exception):
        pass

    with pytest.raises(Refused):
        async with sessions.begin() as session:
            await choose_language(session, Clock(START), 7, "es")
            await session.flush()
            # Read inside the writing transaction (it sees the unsaved "es")...
            assert await touch_user(
                session, Clock(START), 7, "Ana", "en", default_tz="UTC"
            ) == Speaker("es", True)
            raise Refused
    # ...but that transaction never happened: the next turn reads the row as stored.
    assert await touch(engine) == Speaker("en", False)
