"""Webhook mode: the emulator POSTs updates with the secret header to the bot's server."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from pydantic import SecretStr

from bot.clock import Clock
from bot.serve import start_bot
from emulator import BotApiEmulator
from tests.conftest import START, TOKEN, make_settings
from tests.databases import sqlite_url
from tests.story import labels, reply_to


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_bot_in_webhook_mode_answers_start(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    port = free_port()
    settings = make_settings(sqlite_url(tmp_path), emulator.base_url).model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram",
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr("s3cret-value"),
        }
    )
    running = await start_bot(settings, TOKEN, Clock(START))
    try:
        assert emulator.webhook_url == f"http://127.0.0.1:{port}/telegram"
        worker = emulator.user(6001, "Wes", language_code="en")
        replies = await reply_to(worker, worker.send("/start"))
        assert "Electrician" in labels(replies)
    finally:
        await running.stop()
