"""The database unavailable for 10 seconds (SQLite: another writer holds the lock;
PostgreSQL: the bot's connections are terminated and new ones refused): /help, /find and a
card's details still answer, a step that must write says "try again", nothing crashes,
and once the database is back the bot serves normally without a restart."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.clock import Clock
from bot.serve import start_bot
from emulator import BotApiEmulator
from tests.conftest import START, TOKEN, make_settings
from tests.databases import database
from tests.story import labels, reply_to, texts

OUTAGE = 10.0  # seconds
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


@asynccontextmanager
async def sqlite_writer_holding_the_lock(path: Path) -> AsyncIterator[None]:
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held until we let go
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@asynccontextmanager
async def postgres_refusing_the_bot(url: str) -> AsyncIterator[None]:
    name = make_url(url).database
    admin = await asyncpg.connect(
        make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_ten_seconds_without_the_database(
    kind: str, emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    async with database(kind, tmp_path) as url:
        if kind == "sqlite":
            shutil.copy(template_database, tmp_path / "toolbox-test.db")
        running = await start_bot(
            make_settings(url, emulator.base_url), TOKEN, Clock(START), poll_timeout=1
        )
        try:
            reader = emulator.user(9001, "Rita", language_code="en")
            writer = emulator.user(9002, "Walt", language_code="en")
            found = await reply_to(reader, reader.send("/find osha 10"))
            assert "OSHA 10" in texts(found)
            await reply_to(writer, writer.send("/start"))
            await reply_to(writer, writer.press("Electrician"))

            outage = (
                sqlite_writer_holding_the_lock(tmp_path / "toolbox-test.db")
                if kind == "sqlite"
                else postgres_refusing_the_bot(url)
            )
            started = time.monotonic()
            async with outage:
                assert "/find" in texts(await reply_to(reader, reader.send("/help")))
                assert "OSHA 10" in texts(await reply_to(reader, reader.send("/find osha 10")))
                details = await reply_to(reader, reader.press("Details 1"))
                assert "Issuer's page" in labels(details)
                # Choosing a level must be written: a short apology, nothing else.
                await writer.press("Journeyman")
                refused = await writer.wait_for_reply(timeout=12)
                assert SORRY in texts(refused), texts(refused)
                assert "What do you want next?" not in texts(refused)
                await asyncio.sleep(max(0.0, OUTAGE - (time.monotonic() - started)))

            # Back: the same tap now works, and the reader is served as before.
            replies = await reply_to(writer, writer.press("Journeyman"))
            assert "What do you want next?" in texts(replies), texts(replies)
            assert "/find" in texts(await reply_to(reader, reader.send("/help")))
            assert SORRY not in texts(reader.messages)  # reads never needed the database
        finally:
            await running.stop()
