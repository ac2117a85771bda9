"""Migration 0004 on a database that has reminders: the timezone copy on each reminder
ends up on its user when the user had none, and nothing else is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config
from tests.databases import database


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_reminder_timezones_move_to_their_users(kind: str, tmp_path: Path) -> None:
    async with database(kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_upgrade, "0001")
                await connection.execute(
                    text(
                        "INSERT INTO users (id, first_name, language, language_chosen, timezone,"
                        " is_active, created_at, updated_at) VALUES"
                        " (1, 'A', 'en', false, NULL, true, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP),"
                        " (2, 'B', 'en', false, 'Europe/Madrid', true, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP)"
                    ),
                )
                await connection.execute(
                    text(
                        "INSERT INTO reminders (user_id, kind, schedule, timezone, next_fire_at,"
                        " active) VALUES"
                        " (1, 'weekly_checkin', :s, 'America/Chicago', CURRENT_TIMESTAMP, true),"
                        " (2, 'weekly_checkin', :s, 'America/Denver', CURRENT_TIMESTAMP, true)"
                    ),
                    {"s": '{"weekday": 2, "time": "18:30"}'},
                )
                await connection.run_sync(_upgrade, "0004")
                zones = dict(
                    (await connection.execute(text("SELECT id, timezone FROM users"))).all()
                )
                columns = await connection.run_sync(
                    lambda c: {
                        table: {col["name"] for col in inspect(c).get_columns(table)}
                        for table in ("reminders", "profiles")
                    }
                )
                attempts = (
                    await connection.execute(text("SELECT attempts FROM reminders"))
                ).scalars()
                assert list(attempts) == [0, 0]
        finally:
            await engine.dispose()
    # The user who had no zone gets the reminder's; a user's own zone wins over a copy.
    assert zones == {1: "America/Chicago", 2: "Europe/Madrid"}
    assert "timezone" not in columns["reminders"]
    assert {"lease_until", "attempts", "paused_by"} <= columns["reminders"]
    assert not {"country", "checkin_weekday", "checkin_time"} & columns["profiles"]
