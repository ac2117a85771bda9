"""/reminders: everything scheduled at its local time; pause all, quiet hours, check-in."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from bot.db.models import Reminder, User
from tests.conftest import Harness
from tests.story import reply_to, start_plan, texts


async def test_reminders_lists_local_times_and_changes_settings(harness: Harness) -> None:
    worker = harness.emulator.user(5001, "Rae", language_code="en")
    await start_plan(
        worker, "NFPA 70E Electrical Safety", "type:Los Angeles", "10 h", "Tue · Thu", "07:00"
    )
    shown = await reply_to(worker, worker.send("/reminders"))
    assert texts(shown) == (
        "Your reminders (your time, America/Los Angeles)\n"
        "📚 Study · NFPA 70E Electrical Safety in the…: Tue 07:00\n"
        "📋 Weekly check-in: Sun 18:00\n"
        "Quiet hours: 21:00–07:00"
    )

    await reply_to(worker, worker.press("Quiet hours"))
    changed = await reply_to(worker, worker.press("22:00–06:00"))
    assert "✓ Quiet hours 22:00–06:00." in texts(changed)
    async with harness.services.sessions() as session:
        user = await session.get(User, 5001)
    assert user is not None and (user.quiet_start, user.quiet_end) == (time(22), time(6))

    await reply_to(worker, worker.press("Check-in day"))
    await reply_to(worker, worker.press("Fri"))
    changed = await reply_to(worker, worker.press("20:00"))
    assert "✓ Weekly check-in on Fri at 20:00." in texts(changed)
    assert "📋 Weekly check-in: Fri 20:00" in texts(changed)
    async with harness.services.sessions() as session:
        checkin = await session.scalar(
            select(Reminder).where(Reminder.user_id == 5001, Reminder.kind == "weekly_checkin")
        )
    assert checkin is not None and checkin.schedule == {"weekday": 4, "time": "20:00"}
    # Friday 2026-11-27 20:00 in Los Angeles (PST, UTC-8) is Saturday 04:00 UTC.
    assert checkin.next_fire_at == datetime(2026, 11, 28, 4, 0, tzinfo=UTC)

    paused = await reply_to(worker, worker.press("⏸ Pause all"))
    assert "⏸ All reminders are paused." in texts(paused)
    async with harness.services.sessions() as session:
        rows = list(await session.scalars(select(Reminder).where(Reminder.user_id == 5001)))
    assert [(r.paused_by, r.next_fire_at) for r in rows] == [("user", None), ("user", None)]
    resumed = await reply_to(worker, worker.press("▶ Resume all"))
    assert "📚 Study · NFPA 70E" in texts(resumed) and "Tue 07:00" in texts(resumed)
    assert "📋 Weekly check-in: Fri 20:00" in texts(resumed)
