"""Migrations and PTB persistence on the real databases: SQLite always, PostgreSQL when
TEST_POSTGRES_URL names a server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.catalog_sync import sync_catalog
from bot.clock import Clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import current_revision, upgrade_to_head
from bot.db.models import Credential
from bot.persistence import DatabasePersistence
from catalog import default_catalog, load_catalog
from tests.databases import database

KINDS = ["sqlite", "postgresql"]
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(params=KINDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with database(request.param, tmp_path) as url:
        engine = make_engine(url)
        await upgrade_to_head(engine)
        yield engine
        await engine.dispose()


async def test_migrations_reach_head_and_are_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    await upgrade_to_head(engine)
    assert await current_revision(engine) is not None
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {
        "users",
        "profiles",
        "credentials",
        "trades",
        "plans",
        "reminders",
        "progress_logs",
        "earned_credentials",
        "group_optins",
        "badges",
        "conversation_states",
        "persisted_data",
    } <= tables
    async with engine.connect() as connection:
        indexes = await connection.run_sync(
            lambda c: {i["name"] for i in inspect(c).get_indexes("reminders")}
        )
    assert "ix_reminders_next_fire_at" in indexes


async def test_persistence_round_trip_survives_a_new_process(engine) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(START)
    first = DatabasePersistence(make_sessionmaker(engine), clock)
    await first.update_conversation("onboarding", (42, 42), "hours")
    await first.update_conversation("onboarding", (7, 7), "trade")
    await first.update_conversation("onboarding", (7, 7), None)
    await first.update_user_data(42, {"ob_step": "hours", "nested": {"a": [1, 2]}})
    await first.update_chat_data(-100, {"title": "Crew"})
    await first.update_bot_data({"version": 1})
    await first.update_callback_data(([("k", 1.5, {"x": "y"})], {"m": "k"}))
    await first.flush()  # staged until an update's commit or the flush at stop

    # A restarted bot reads everything back from the database, not from memory.
    second = DatabasePersistence(make_sessionmaker(engine), clock)
    assert await second.get_conversations("onboarding") == {(42, 42): "hours"}
    assert (await second.get_user_data())[42] == {"ob_step": "hours", "nested": {"a": [1, 2]}}
    assert (await second.get_chat_data())[-100] == {"title": "Crew"}
    assert await second.get_bot_data() == {"version": 1}
    assert await second.get_callback_data() == ([("k", 1.5, {"x": "y"})], {"m": "k"})
    await second.drop_user_data(42)
    await second.flush()
    assert 42 not in await second.get_user_data()


async def test_catalog_sync_is_idempotent_and_retires_removed(engine) -> None:  # type: ignore[no-untyped-def]
    sessions = make_sessionmaker(engine)
    catalog = default_catalog()
    clock = Clock(START)
    assert await sync_catalog(sessions, catalog, clock) == len(catalog.credentials)
    assert await sync_catalog(sessions, catalog, clock) == 0

    fewer = load_catalog()
    removed = sorted(fewer.credentials)[0]
    del fewer.credentials[removed]
    await sync_catalog(sessions, fewer, clock)
    async with sessions() as session:
        row = await session.get(Credential, removed)
        assert row is not None and row.retired
        active = await session.scalars(select(Credential.id).where(Credential.retired.is_(False)))
        assert len(list(active)) == len(catalog.credentials) - 1
