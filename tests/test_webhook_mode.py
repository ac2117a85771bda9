"""Webhook mode: the emulator POSTs updates with the secret header to the bot's server."""

from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path

import aiohttp
from pydantic import SecretStr

from bot.clock import Clock
from bot.db.models import InboxUpdate
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
        async with (  # the health check lives on the same server, no secret needed
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert await response.json() == {
                "database": "ok",
                "leader": True,
                "dispatcher_lag_seconds": 0.0,
            }
    finally:
        await running.stop()


async def test_a_post_without_the_right_secret_is_refused_and_never_handled(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    settings = make_settings(sqlite_url(tmp_path), emulator.base_url).model_copy(
        update={
            "webhook_url": url,
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
            "webhook_secret": SecretStr("s3cret-value"),
        }
    )
    running = await start_bot(settings, TOKEN, Clock(START))
    try:
        # The menu is registered in webhook mode too.
        assert {c.params.get("language_code") for c in emulator.calls_to("setMyCommands")} == {
            None,
            "es",
        }
        worker = emulator.user(6002, "Vic", language_code="en")
        await reply_to(worker, worker.send("/help"))
        answered = len(emulator.calls_to("sendMessage"))
        forged = {
            "update_id": 990001,
            "message": {
                "message_id": 1,
                "date": 1764000000,
                "chat": {"id": worker.id, "type": "private", "first_name": "Vic"},
                "from": {"id": worker.id, "is_bot": False, "first_name": "Vic"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status == 403
            await asyncio.sleep(0.3)
            assert len(emulator.calls_to("sendMessage")) == answered  # no handler saw it
            async with running.services.sessions() as session:
                assert await session.get(InboxUpdate, 990001) is None
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 200
        await asyncio.sleep(0.5)
        assert len(emulator.calls_to("sendMessage")) == answered + 1
    finally:
        await running.stop()
