"""Two real `python -m bot run` processes on one PostgreSQL database: one leads, one stands
by; `kill -9` the leader while workers are mid-conversation and the standby takes over
within 10 s, every update is answered, and every worker resumes at their step. On SQLite
a second process stands by too (the database takes one writer)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.db.engine import make_engine
from bot.db.models import InboxUpdate
from bot.inbox import DONE
from emulator import BotApiEmulator
from tests.conftest import TOKEN
from tests.databases import postgres_database, sqlite_url
from tests.story import labels, reply_to, texts
from tests.test_webhook_mode import free_port

ROOT = Path(__file__).resolve().parent.parent
TAKEOVER_LIMIT = 10.0  # seconds, from the issue
WORKERS = 6
CHATTY, EACH = 8, 6


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process, health_port: int) -> None:
        self.process = process
        self.health = f"http://127.0.0.1:{health_port}/healthz"

    async def report(self, http: aiohttp.ClientSession) -> dict | None:
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            async with http.get(self.health, timeout=aiohttp.ClientTimeout(total=2)) as response:
                return await response.json()  # type: ignore[no-any-return]
        return None


async def start_process(emulator: BotApiEmulator, database_url: str) -> BotProcess:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "HEALTH_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process, port)


async def wait_for_report(
    http: aiohttp.ClientSession, bot: BotProcess, leader: bool, seconds: float
) -> float:
    """Seconds until the process's /healthz says `leader`."""
    started = time.monotonic()
    while True:
        report = await bot.report(http)
        if report is not None and report["leader"] is leader:
            assert report["database"] == "ok", report
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"no leader={leader} within {seconds} s"
        await asyncio.sleep(0.1)


async def watch_leaders(
    http: aiohttp.ClientSession, bots: list[BotProcess], seen: list[int], stop: asyncio.Event
) -> None:
    """Sample every /healthz; record the most processes that said "leader" at once."""
    while not stop.is_set():
        reports = await asyncio.gather(*(bot.report(http) for bot in bots))
        seen.append(sum(1 for r in reports if r and r["leader"]))
        await asyncio.sleep(0.05)


async def wait_for_line(bot: BotProcess, words: str, seconds: float) -> str:
    """Read the process's log until a line holds `words` (it has tried the lock)."""
    assert bot.process.stderr is not None
    seen = ""
    deadline = time.monotonic() + seconds
    while words not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {words!r} within {seconds} s: {seen[-2000:]}"
        line = await asyncio.wait_for(bot.process.stderr.readline(), remaining)
        assert line, f"the process ended before {words!r}: {seen[-2000:]}"
        seen += line.decode()
    return seen


async def finish(bot: BotProcess) -> str:
    if bot.process.returncode is None:
        bot.process.send_signal(signal.SIGTERM)
    _, stderr = await bot.process.communicate()
    return stderr.decode()


async def test_the_standby_takes_over_within_10_s_and_nobody_loses_their_place(
    emulator: BotApiEmulator,
) -> None:
    async with postgres_database() as url:
        leader = await start_process(emulator, url)
        standby: BotProcess | None = None
        seen: list[int] = []
        stop_watching = asyncio.Event()
        watcher: asyncio.Task[None] | None = None
        stderr = stood_by = ""
        async with aiohttp.ClientSession() as http:
            try:
                await wait_for_report(http, leader, True, 60)
                standby = await start_process(emulator, url)
                await wait_for_report(http, standby, False, 30)
                stood_by = await wait_for_line(standby, "Standing by", 30)
                watcher = asyncio.create_task(
                    watch_leaders(http, [leader, standby], seen, stop_watching)
                )
                workers = [
                    emulator.user(7_100_000_000 + i, f"W{i}", language_code="en")
                    for i in range(WORKERS)
                ]
                for worker in workers:
                    await reply_to(worker, worker.send("/start"))
                    await reply_to(worker, worker.press("Electrician"))
                chatty = [
                    emulator.user(7_200_000_000 + i, f"C{i}", language_code="en")
                    for i in range(CHATTY)
                ]
                for _ in range(EACH):  # queued while the leader dies
                    for worker in chatty:
                        await worker.send("/help")
                leader.process.send_signal(signal.SIGKILL)
                killed_at = time.monotonic()
                await leader.process.wait()
                for worker in workers:  # mid-conversation: the experience question
                    await worker.press("Journeyman")
                for worker in workers:
                    replies = await worker.wait_for_reply(timeout=TAKEOVER_LIMIT + 20)
                    assert "What do you want next?" in texts(replies), texts(replies)
                first_answer = time.monotonic() - killed_at
                report = await standby.report(http)
                assert report is not None and report["leader"] is True, report
                deadline = time.monotonic() + 20
                while not all(len(w.messages) >= EACH for w in chatty):
                    assert time.monotonic() < deadline, [len(w.messages) for w in chatty]
                    await asyncio.sleep(0.05)
                for worker in workers:  # and the next step still follows
                    replies = await reply_to(worker, worker.press("Get licensed"))
                    assert "✅ Get licensed" in labels(replies), texts(replies)
            finally:
                stop_watching.set()
                if watcher is not None:
                    await watcher
                if standby is not None:
                    stderr = stood_by + await finish(standby)
                await finish(leader)
        assert first_answer < TAKEOVER_LIMIT, first_answer
        assert seen and max(seen) == 1, "two processes led at once"
        engine = make_engine(url)
        async with engine.connect() as connection:
            statuses = dict(
                (
                    await connection.execute(
                        select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
                    )
                ).all()
            )
        await engine.dispose()
        assert statuses == {DONE: len(emulator.updates)}, statuses  # none lost, none set aside
        assert "Standing by" in stderr and "Traceback" not in stderr, stderr[-3000:]
        print(f"standby answered {first_answer:.1f} s after the leader was killed")


async def test_a_second_process_on_sqlite_stands_by_until_the_first_exits(
    emulator: BotApiEmulator, template_database: Path, tmp_path: Path
) -> None:
    shutil.copy(template_database, tmp_path / "toolbox-test.db")
    url = sqlite_url(tmp_path)
    first = await start_process(emulator, url)
    second: BotProcess | None = None
    stderr = stood_by = ""
    try:
        async with aiohttp.ClientSession() as http:
            await wait_for_report(http, first, True, 60)
            second = await start_process(emulator, url)
            await wait_for_report(http, second, False, 30)
            stood_by = await wait_for_line(
                second, "another process runs the bot on this SQLite database", 30
            )
            worker = emulator.user(7_300_000_001, "Sol", language_code="en")
            await reply_to(worker, worker.send("/help"))
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            took = await wait_for_report(http, second, True, TAKEOVER_LIMIT)
            replies = await reply_to(worker, worker.send("/help"))
            assert "Toolbox" in texts(replies)
    finally:
        if second is not None:
            stderr = stood_by + await finish(second)
        await finish(first)
    assert "another process runs the bot on this SQLite database" in stderr, stderr[-2000:]
    print(f"SQLite standby took over in {took:.1f} s")
