"""Operator tools: /stats for ADMIN_IDS only, a broadcast that survives `kill -9` without
sending anyone a second copy, JSON log lines, and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import shutil
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.broadcast import SENDING, broadcast_id
from bot.clock import Clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import BroadcastSend, Reminder, User
from bot.health import Health
from bot.logging_setup import configure_logging
from emulator import BotApiEmulator
from tests.conftest import START, TOKEN, Harness
from tests.databases import sqlite_url
from tests.story import reply_to, texts

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 5_500_000_001


async def test_stats_answers_admins_and_no_one_else(harness: Harness) -> None:
    harness.settings = harness.settings.model_copy(update={"admin_ids": [ADMIN]})
    await harness.restart()
    stranger = harness.emulator.user(5_500_000_002, "Stu", language_code="en")
    replies = await reply_to(stranger, stranger.send("/stats"))
    assert texts(replies) == "I don't know that command. /help lists them all."
    async with harness.services.sessions.begin() as session:
        session.add(  # due 90 s ago and not sent: the dispatcher is behind
            Reminder(
                user_id=5_500_000_002,
                kind="weekly_checkin",
                schedule={"weekday": 0, "time": "09:00"},
                next_fire_at=harness.clock.now() - timedelta(seconds=90),
                active=True,
            )
        )
    admin = harness.emulator.user(ADMIN, "Ops", language_code="en")
    replies = await reply_to(admin, admin.send("/stats"))
    assert texts(replies) == "\n".join(
        [
            "Toolbox today",
            "Users: 2",
            "Active in the last 7 days: 2",
            "Active plans: 0",
            "Reminders sent today: 0",
            "Failures: 0 updates set aside, 0 broadcast sends",
            "Reminder lag: 90 s",
        ]
    )


async def test_healthz_reports_database_lag_and_leader(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    health = Health(engine, Clock(START), None)
    report = await health.report()  # an empty file: reachable, not migrated yet
    assert report == {"database": "ok", "leader": True, "dispatcher_lag_seconds": None}
    await engine.dispose()
    gone = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    report = await Health(gone, Clock(START), None).report()
    assert report["database"] == "unreachable"
    await gone.dispose()


def test_json_logs_are_one_object_per_line() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    try:
        configure_logging("INFO", TOKEN, fmt="json", stream=buffer)
        logging.getLogger("bot.test").info("calling %s", f"https://x/bot{TOKEN}/getMe")
        try:
            raise ValueError(f"bad url /bot{TOKEN}/x")
        except ValueError:
            logging.getLogger("bot.test").exception("it failed\non two lines")
    finally:
        root.handlers[:], root.level = saved
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "calling https://x/bot<TOKEN>/getMe"
    assert (first["level"], first["logger"]) == ("INFO", "bot.test")
    assert second["message"] == "it failed\non two lines"
    assert "ValueError: bad url /bot<TOKEN>/x" in second["exception"]
    assert TOKEN not in buffer.getvalue()


async def _broadcast_process(
    emulator: BotApiEmulator, url: str, message: Path, *flags: str
) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.api_url,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "broadcast", "--file", str(message), *flags,
        env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


RECIPIENTS = 90  # three seconds at Telegram's 30 a second


async def test_broadcast_killed_midway_resumes_and_nobody_gets_two_copies(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    url = sqlite_url(tmp_path)
    workers = [emulator.user(5_600_000_000 + i, f"U{i}") for i in range(RECIPIENTS + 1)]
    for worker in workers:  # each wrote to the bot once (no bot runs: nothing answers)
        await worker.send("hi")
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(User),
            [
                {
                    "id": w.id,
                    "first_name": w.name,
                    "language": "en",
                    "language_chosen": False,
                    "is_active": i < RECIPIENTS,  # the last one blocked us: skipped
                    "created_at": START,
                    "updated_at": START,
                }
                for i, w in enumerate(workers)
            ],
        )
    message = tmp_path / "message.txt"
    message.write_text("Classes resume Monday <b>not bold</b> & on time.\n", encoding="utf-8")
    text = message.read_text().strip()

    dry = await _broadcast_process(emulator, url, message, "--dry-run")
    out, err = await asyncio.wait_for(dry.communicate(), 60)
    assert out.decode().strip() == (
        f"dry run: {RECIPIENTS} active user(s) would get it; nothing sent"
    ), err.decode()[-2000:]
    assert not any(w.messages for w in workers)

    first = await _broadcast_process(emulator, url, message)
    deadline = time.monotonic() + 30
    while sum(len(w.messages) for w in workers) < RECIPIENTS // 3:
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                first.kill()
            raise AssertionError(str(await first.communicate())[-3000:])
        await asyncio.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    got_before = sum(len(w.messages) for w in workers)
    assert got_before < RECIPIENTS

    second = await _broadcast_process(emulator, url, message)
    out, err = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode == 0, err.decode()[-2000:]

    received = [len(w.messages) for w in workers]
    assert max(received) == 1, "someone got two copies"
    assert received[-1] == 0  # blocked users are not written to
    assert workers[0].messages[0].text == text  # plain text: the tags are shown as typed
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        cut_off = await session.scalar(
            select(func.count())
            .select_from(BroadcastSend)
            .where(
                BroadcastSend.broadcast_id == broadcast_id(text), BroadcastSend.status == SENDING
            )
        )
    assert sum(received) + cut_off >= RECIPIENTS  # everyone else got it exactly once
    assert cut_off <= 16  # at most the sends in flight at the kill
    assert "broadcast: " in out.decode() and "sent" in out.decode(), out.decode()

    # Run again: nobody is left, nothing is sent.
    third = await _broadcast_process(emulator, url, message)
    out, err = await asyncio.wait_for(third.communicate(), 60)
    assert "nobody left to send to" in out.decode(), out.decode() + err.decode()
    assert [len(w.messages) for w in workers] == received
    await engine.dispose()
    print(f"killed after {got_before} sends; {cut_off} cut off and not repeated")
