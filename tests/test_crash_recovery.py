"""`kill -9` right after an answer loses nothing: the real `python -m bot run` process,
against our emulator as "any server that speaks the Bot API"."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from emulator import BotApiEmulator
from tests.conftest import TOKEN
from tests.databases import sqlite_url
from tests.story import labels, reply_to, texts

ROOT = Path(__file__).resolve().parent.parent


async def run_bot_process(
    emulator: BotApiEmulator, database_url: str
) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_kill_9_right_after_an_answer_resumes_at_the_next_step(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    url = sqlite_url(tmp_path)
    worker = emulator.user(5001, "Pat", language_code="en")

    first = await run_bot_process(emulator, url)
    try:
        await worker.send("/start")
        await worker.wait_for_reply(timeout=30)
        await reply_to(worker, worker.press("Electrician"))
        replies = await reply_to(worker, worker.press("Journeyman"))
        assert "What do you want next?" in texts(replies)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()

    second = await run_bot_process(emulator, url)
    try:
        await worker.press("Get licensed")
        replies = await worker.wait_for_reply(timeout=30)
        assert "✅ Get licensed" in labels(replies), texts(replies)
    finally:
        second.send_signal(signal.SIGTERM)
        _, stderr = await second.communicate()
    assert second.returncode == 0, stderr.decode()
    assert TOKEN.split(":")[1] not in stderr.decode()
