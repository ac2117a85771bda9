"""Several bot processes on one PostgreSQL database: every due reminder goes out once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import time, timedelta

from telegram import Bot

from bot.app import build_services
from bot.clock import Clock
from bot.db.models import Reminder, User
from bot.reminders.dispatcher import ReminderDispatcher
from bot.reminders.schedules import WEEKLY_CHECKIN, checkin_schedule
from emulator import BotApiEmulator
from tests.conftest import START, TOKEN, check_phone_first, make_settings
from tests.databases import postgres_database

WORKERS = 240


async def test_two_dispatchers_on_one_database_send_each_reminder_once(
    emulator: BotApiEmulator,
) -> None:
    async with postgres_database() as url:
        settings = make_settings(url, emulator.base_url).model_copy(
            # The emulator's flood limits are off here: no need to pace like for Telegram.
            update={"reminder_batch_size": 20, "reminder_sends_per_second": 2000.0}
        )
        clock = Clock(START)
        first = await build_services(settings, clock)
        second = await build_services(settings, clock)
        ids = [8_000_000_000 + n for n in range(WORKERS)]
        for user_id in ids:
            await emulator.user(user_id, f"W{user_id}").send("/start")
        now = clock.now()
        async with first.sessions.begin() as session:
            session.add_all(
                User(
                    id=i, first_name="W", timezone="America/Chicago", created_at=now, updated_at=now
                )
                for i in ids
            )
            await session.flush()
            session.add_all(
                Reminder(
                    user_id=i,
                    kind=WEEKLY_CHECKIN,
                    schedule=checkin_schedule(0, time(8, 0)),
                    next_fire_at=now - timedelta(minutes=5),  # all due at once
                )
                for i in ids
            )
        bots = [Bot(TOKEN, base_url=f"{emulator.base_url}/bot") for _ in range(2)]
        try:
            async with bots[0], bots[1]:
                dispatchers = [
                    ReminderDispatcher(first, bots[0]),
                    ReminderDispatcher(second, bots[1]),
                ]
                reports = await asyncio.gather(*(d.dispatch_due() for d in dispatchers))
                again = await asyncio.gather(*(d.dispatch_due() for d in dispatchers))
        finally:
            await first.engine.dispose()
            await second.engine.dispose()
        sent = Counter(
            call.params["chat_id"] for call in emulator.calls_to("sendMessage") if call.ok
        )
        assert sorted(sent) == ids and set(sent.values()) == {1}
        assert [r.sent for r in again] == [0, 0]
        assert sum(r.sent for r in reports) == WORKERS
        assert all(r.sent > 0 for r in reports), reports  # both really took part
    check_phone_first(emulator)
