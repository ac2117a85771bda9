"""kill -9 ten times in a row while hundreds of updates are queued and workers are mid-
conversation: afterwards every update was answered, only updates in flight at a kill were
answered twice, and every worker resumes where they were. The real `python -m bot run`."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import make_engine
from bot.db.models import InboxUpdate
from bot.inbox import DONE
from bot.runtime import MAX_CONCURRENT_UPDATES
from emulator import BotApiEmulator
from tests.databases import sqlite_url
from tests.story import labels, reply_to, texts
from tests.test_crash_recovery import run_bot_process

KILLS = 10
CHATTY, EACH = 24, 12  # 288 queued /help


def answers(emulator: BotApiEmulator) -> int:
    return sum(1 for c in emulator.calls if c.ok and c.method == "sendMessage")


async def wait_for(check, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.02)


async def test_ten_kills_with_hundreds_queued_lose_nothing(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    url = sqlite_url(tmp_path)
    process = await run_bot_process(emulator, url)
    try:
        onboarding = [emulator.user(8000 + i, f"On{i}", language_code="en") for i in range(6)]
        for worker in onboarding:
            await reply_to(worker, worker.send("/start"))
            await reply_to(worker, worker.press("Electrician"))
        chatty = [emulator.user(8100 + i, f"Ch{i}", language_code="en") for i in range(CHATTY)]
        for _ in range(EACH):
            for worker in chatty:
                await worker.send("/help")
        for worker in onboarding:
            await worker.press("Journeyman")  # queued behind the /help flood

        for _ in range(KILLS):
            # Kill mid-work: once this process has answered a few updates (or got going).
            floor = answers(emulator) + 5
            await wait_for(lambda floor=floor: answers(emulator) >= floor, 30, "progress")
            process.send_signal(signal.SIGKILL)
            await process.communicate()
            process = await run_bot_process(emulator, url)

        expected = CHATTY * EACH
        await wait_for(
            lambda: (
                all(len(w.messages) >= EACH for w in chatty)
                and all("What do you want next?" in texts(w.messages) for w in onboarding)
            ),
            60,
            "every queued update to be answered",
        )
        await asyncio.sleep(0.5)
        helps = sum(len(w.messages) for w in chatty)
        assert helps - expected <= KILLS * MAX_CONCURRENT_UPDATES, helps - expected
        engine = make_engine(url)
        async with engine.connect() as connection:
            statuses = await connection.execute(
                select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
            )
            assert dict(statuses.all()) == {DONE: len(emulator.updates)}  # none set aside
        await engine.dispose()
        for worker in onboarding:  # each resumes at the step after the queued tap
            replies = await reply_to(worker, worker.press("Get licensed"))
            assert "✅ Get licensed" in labels(replies), texts(replies)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()[-3000:]
    assert "Traceback" not in stderr.decode(), stderr.decode()[-3000:]
    print(f"answered twice (in flight at a kill): {helps - expected}")
