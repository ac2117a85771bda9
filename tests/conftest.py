"""End-to-end fixtures: the real bot, through PTB's real HTTP stack, against our local
Bot API emulator on 127.0.0.1, with a real (temporary) database."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_services
from bot.clock import Clock
from bot.serve import RunningBot, start_bot
from bot.settings import Settings
from emulator import BotApiEmulator
from handlers.chat import PHONE_SCREEN
from tests.databases import sqlite_url

TOKEN = "123456:TEST-token_for_tests"
BOT_USERNAME = "toolbox_test_bot"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon


@dataclass
class Harness:
    emulator: BotApiEmulator
    settings: Settings
    clock: Clock
    running: RunningBot | None = None

    async def start(self) -> None:
        self.running = await start_bot(self.settings, TOKEN, self.clock, poll_timeout=1)

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()
            self.running = None

    async def restart(self) -> None:
        """Stop the bot and start a fresh process-equivalent on the same database."""
        await self.stop()
        await self.start()

    @property
    def services(self):  # type: ignore[no-untyped-def]
        assert self.running is not None
        return self.running.services


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and load the catalog once; each test gets a copy of the file."""
    directory = tmp_path_factory.mktemp("template")
    settings = Settings(database_url=sqlite_url(directory), _env_file=None)  # type: ignore[call-arg]

    async def prepare() -> None:
        services = await build_services(settings, Clock(START))
        await services.engine.dispose()

    asyncio.run(prepare())
    return directory / "toolbox-test.db"


def make_settings(database_url: str, base_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=f"{base_url}/bot",
        database_url=database_url,
        default_timezone="America/New_York",
        # Tests run the reminder dispatcher themselves (`dispatch_due`) right after moving
        # the clock; the background job would race them. test_reminder_dispatch checks it.
        reminder_tick_seconds=3600.0,
    )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def harness(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> AsyncIterator[Harness]:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    settings = make_settings(sqlite_url(tmp_path), emulator.base_url)
    harness = Harness(emulator, settings, Clock(START))
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
    check_phone_first(emulator)


# Telegram errors a correct bot can still meet (a double tap edits to the same text).
HARMLESS = ("message is not modified", "query is too old", "bot was blocked")


def check_phone_first(emulator: BotApiEmulator) -> None:
    """Every test, for free: no Telegram error and every message fits a phone screen."""
    errors = [
        f"{call.method}: {call.description}"
        for call in emulator.errors
        if not any(h in (call.description or "") for h in HARMLESS)
    ]
    assert not errors, errors
    for call in emulator.calls:
        if call.ok and call.method in ("sendMessage", "editMessageText"):
            text = call.result["text"] if isinstance(call.result, dict) else ""
            assert len(text) <= PHONE_SCREEN, (len(text), text[:120])
