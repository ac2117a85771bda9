"""The follow-through, end to end: study reminders that act (Done, Snooze, Skip), the
weekly check-in's figures and streak, the two-quiet-weeks offer and renewal alerts, with
the shared clock moved and the real dispatcher sending through the emulator."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.db.models import Plan, ProgressLog
from bot.reminders.dispatcher import TickReport, dispatch_due
from emulator import ChatMessage, EmulatedUser
from tests.conftest import Harness
from tests.story import labels, reply_to, start_plan, texts


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def tick_at(harness: Harness, moment: datetime) -> TickReport:
    """Move the clock to `moment` and run the dispatcher once."""
    harness.clock.advance(moment - harness.clock.now())
    return await dispatch_due(harness.running.application)  # type: ignore[union-attr]


async def arrived(worker: EmulatedUser) -> list[ChatMessage]:
    return await worker.wait_for_reply(timeout=5)


async def planned_worker(
    harness: Harness, user_id: int, city: str, guess: str = "10 h"
) -> EmulatedUser:
    """A worker with a NFPA 70E plan: their guess of the hours, Mon/Wed/Fri at 19:00."""
    worker = harness.emulator.user(user_id, f"W{user_id}", language_code="en")
    await start_plan(
        worker, "NFPA 70E Electrical Safety", f"type:{city}", guess, "Mon · Wed · Fri", "19:00"
    )
    return worker


async def test_study_reminders_arrive_at_local_time_in_two_zones(harness: Harness) -> None:
    rosa = await planned_worker(harness, 6001, "Chicago")
    leo = await planned_worker(harness, 6002, "Madrid")
    # Monday 2026-11-23: 19:00 in Madrid (CET) is 18:00 UTC, in Chicago (CST) 01:00 UTC.
    report = await tick_at(harness, utc(2026, 11, 23, 17, 59))
    assert report.sent == 0
    report = await tick_at(harness, utc(2026, 11, 23, 18, 0))
    assert report.sent == 1
    reminder = await arrived(leo)
    assert reminder[0].text.startswith("📚 Study time: about 1 h on NFPA 70E")
    assert "░░░░░░░░ 0% · 0 of 10 h" in reminder[0].text
    assert labels(reminder) == ["✔ Done", "Snooze 1 h", "Skip today"]
    report = await tick_at(harness, utc(2026, 11, 24, 1, 0))
    assert report.sent == 1
    assert "📚 Study time" in texts(await arrived(rosa))


async def test_done_snooze_and_skip(harness: Harness) -> None:
    rosa = await planned_worker(harness, 6003, "Chicago")
    await tick_at(harness, utc(2026, 11, 24, 1, 0))  # Monday 19:00 in Chicago
    reminder = await arrived(rosa)
    asked = await reply_to(rosa, rosa.press("✔ Done", message=reminder[0]))
    assert "How long did you study?" in texts(asked)
    assert labels(asked) == ["15 min", "30 min", "45 min", "1 h", "1 h 30 min", "2 h"]
    logged = await reply_to(rosa, rosa.press("45 min"))
    assert "✓ Logged 45 min on NFPA 70E" in texts(logged)
    assert "░░░░░░░░ 7% · 0.8 of 10 h" in texts(logged)

    await tick_at(harness, utc(2026, 11, 26, 1, 0))  # Wednesday 19:00
    reminder = await arrived(rosa)
    snoozed = await reply_to(rosa, rosa.press("Snooze 1 h", message=reminder[0]))
    assert "⏰ Snoozed. I'll remind you at Wed 20:00." in texts(snoozed)
    report = await tick_at(harness, utc(2026, 11, 26, 1, 59))
    assert report.sent == 0
    report = await tick_at(harness, utc(2026, 11, 26, 2, 0))
    assert report.sent == 1
    again = await arrived(rosa)
    assert "📚 Study time" in texts(again)
    skipped = await reply_to(rosa, rosa.press("Skip today", message=again[0]))
    assert "Skipped today. Rest counts too. Next: Fri 19:00." in texts(skipped)
    async with harness.services.sessions() as session:
        logs = list(await session.scalars(select(ProgressLog.hours)))
    assert logs == [0.75]


async def checkin(harness: Harness, worker: EmulatedUser, moment: datetime) -> str:
    await tick_at(harness, moment)
    found = [m.text for m in await arrived(worker) if "Weekly check-in" in m.text]
    assert len(found) == 1, found
    return found[0]


async def test_weekly_checkin_figures_and_streak(harness: Harness) -> None:
    rosa = await planned_worker(harness, 6004, "Chicago")  # 10 h in 4 weeks: 3 h a week
    await reply_to(rosa, rosa.send("/log 2h"))
    # Sunday 18:00 in Chicago is Monday 00:00 UTC.
    text = await checkin(harness, rosa, utc(2026, 11, 30, 0, 0))
    assert text == (
        "📋 Weekly check-in\n"
        "This week: 2 of 3 h planned.\n"
        "Streak: 1 week.\n"
        "Next: NFPA 70E Electrical Safety in the Workplace Training, Mon 19:00 · "
        "8 h left · on track for 2026-12-21\n"
        "One short session this week keeps it moving."
    )
    await reply_to(rosa, rosa.send("studied 3 hours"))
    text = await checkin(harness, rosa, utc(2026, 12, 7, 0, 0))
    assert "This week: 3 of 3 h planned.\nStreak: 2 weeks in a row." in text
    assert text.endswith("You did what you planned. Nice work. 👍")


async def test_two_quiet_weeks_offer_a_lighter_target(harness: Harness) -> None:
    rosa = await planned_worker(harness, 6005, "Chicago")
    text = await checkin(harness, rosa, utc(2026, 11, 30, 0, 0))
    assert "This week: 0 of 3 h planned.\nStreak: starts with your next session." in text
    await checkin(harness, rosa, utc(2026, 12, 7, 0, 0))  # 13 days in: not yet
    await tick_at(harness, utc(2026, 12, 14, 0, 0))
    offer = [m for m in await arrived(rosa) if "Weekly check-in" in m.text]
    assert "Nothing logged for two weeks on NFPA 70E" in offer[0].text
    assert labels(offer) == ["Lower to 1 h/week", "Pause the plan", "Keep it as is"]
    lighter = await reply_to(rosa, rosa.press("Lower to 1 h/week", message=offer[0]))
    assert "✓ Lighter plan: 1 h a week." in texts(lighter)
    async with harness.services.sessions() as session:
        plan = await session.scalar(select(Plan).where(Plan.user_id == 6005))
    assert plan is not None and plan.weekly_hours == 1


async def test_renewal_alerts_at_90_30_7_and_0_days_none_for_never_expiring(
    harness: Harness,
) -> None:
    kay = harness.emulator.user(6006, "Kay", language_code="en")
    for step in ("/earned", "HAZWOPER 40"):
        matches = await reply_to(kay, kay.send(step))
    await reply_to(kay, kay.press(labels(matches)[0]))
    await reply_to(kay, kay.press("Today"))  # expires 2027-11-23
    for step in ("/earned", "OSHA 30"):
        matches = await reply_to(kay, kay.send(step))
    await reply_to(kay, kay.press(labels(matches)[0]))
    await reply_to(kay, kay.press("Today"))  # never expires
    # 09:00 in New York (the default zone): EDT until November, then EST.
    for moment, head in (
        (utc(2027, 8, 25, 13, 0), "expires in 90 days, on 2027-11-23."),
        (utc(2027, 10, 24, 13, 0), "expires in 30 days, on 2027-11-23."),
        (utc(2027, 11, 16, 14, 0), "expires in 7 days, on 2027-11-23."),
        (utc(2027, 11, 23, 14, 0), "expires today."),
    ):
        report = await tick_at(harness, moment)
        assert report.sent == 1, moment
        alert = await arrived(kay)
        assert alert[0].text.startswith(
            "🔔 Your HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) " + head
        ), alert[0].text
        assert "Renewal needs 8 continuing-education hours." in alert[0].text
        assert "Issuer's note: 8 hours of refresher training every year" in alert[0].text
        assert alert[0].reply_markup["inline_keyboard"][1][0]["text"] == "Issuer's page"
    report = await tick_at(harness, utc(2030, 1, 1, 0, 0))
    assert report.sent == 0  # nothing more, and nothing ever for OSHA 30
