"""A worker who moves: a region change in /profile moves every reminder to the new local
time, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import Clock
from bot.db.models import Reminder
from bot.reminders.dispatcher import dispatch_due
from emulator import BotApiEmulator
from tests.conftest import START, Harness, check_phone_first, make_settings
from tests.databases import postgres_database
from tests.story import onboard_by_taps, reply_to, start_plan, taps_to_cards, texts

WED_1800_CHICAGO = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
WED_1800_LOS_ANGELES = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


async def region_change_moves_the_checkin(harness: Harness, user_id: int) -> None:
    worker = harness.emulator.user(user_id, "Rosa", language_code="en")
    await onboard_by_taps(worker, *taps_to_cards("Plumber"))
    await start_plan(
        worker, "NFPA 70E Electrical Safety", "type:Chicago", "10 h", "Tue · Thu", "07:00"
    )
    await reply_to(worker, worker.send("/reminders"))
    await reply_to(worker, worker.press("Check-in day"))
    await reply_to(worker, worker.press("Wed"))
    done = await reply_to(worker, worker.press("18:00"))
    assert "✓ Weekly check-in on Wed at 18:00." in texts(done)

    async def next_fire() -> datetime | None:
        async with harness.services.sessions() as session:
            return await session.scalar(
                select(Reminder.next_fire_at).where(
                    Reminder.user_id == user_id, Reminder.kind == "weekly_checkin"
                )
            )

    assert await next_fire() == WED_1800_CHICAGO
    # She moves to California and says so in /profile.
    await reply_to(worker, worker.send("/profile"))
    await reply_to(worker, worker.press("Region"))
    moved = await reply_to(worker, worker.send("California"))
    assert "America/Los_Angeles" in texts(moved)
    assert await next_fire() == WED_1800_LOS_ANGELES
    local = WED_1800_LOS_ANGELES.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.weekday(), local.hour, local.minute) == (2, 18, 0)

    application = harness.running.application  # type: ignore[union-attr]
    harness.clock.advance(WED_1800_CHICAGO - harness.clock.now())
    # 16:00 in Los Angeles: no check-in yet (Tuesday's study reminder is stale: skipped).
    assert (await dispatch_due(application)).sent == 0
    harness.clock.advance(WED_1800_LOS_ANGELES - harness.clock.now())
    assert (await dispatch_due(application)).sent == 1
    nudge = await worker.wait_for_reply()
    assert "Weekly check-in" in texts(nudge)
    assert await next_fire() == WED_1800_LOS_ANGELES + timedelta(days=7)


async def test_region_change_moves_the_checkin_on_sqlite(harness: Harness) -> None:
    await region_change_moves_the_checkin(harness, 4101)


async def test_region_change_moves_the_checkin_on_postgresql(emulator: BotApiEmulator) -> None:
    async with postgres_database() as url:
        harness = Harness(emulator, make_settings(url, emulator.base_url), Clock(START))
        await harness.start()
        try:
            await region_change_moves_the_checkin(harness, 7_000_000_101)
        finally:
            await harness.stop()
    check_phone_first(emulator)
