"""A worker records what they hold; renewal alerts follow only when an expiry is known."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.db.models import EarnedCredential, Reminder
from tests.conftest import Harness
from tests.story import labels, reply_to, texts


async def held(harness: Harness, user_id: int) -> tuple[EarnedCredential, Reminder | None]:
    async with harness.services.sessions() as session:
        row = await session.scalar(
            select(EarnedCredential).where(EarnedCredential.user_id == user_id)
        )
        assert row is not None
        reminder = await session.scalar(
            select(Reminder).where(Reminder.earned_id == row.id, Reminder.active.is_(True))
        )
    return row, reminder


async def test_catalog_renewal_period_sets_alerts(harness: Harness) -> None:
    worker = harness.emulator.user(4001, "Kay", language_code="en")
    asked = await reply_to(worker, worker.send("/earned"))
    assert "Type the name of a credential you hold" in texts(asked)
    matches = await reply_to(worker, worker.send("HAZWOPER 40"))
    assert labels(matches)[0] == "1. HAZWOPER 40-Hour (OSHA 29 CFR…"
    when = await reply_to(worker, worker.press(labels(matches)[0]))
    assert labels(when) == ["Today", "1 year ago", "2 years ago", "3 years ago"]
    saved = await reply_to(worker, worker.send("2026-03-14"))
    assert "✓ HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) saved, earned 2026-03-14." in texts(saved)
    assert "It expires on 2027-03-14. I'll remind you 90, 30 and 7 days before" in texts(saved)
    row, reminder = await held(harness, 4001)
    assert (row.earned_on, row.expires_on) == (date(2026, 3, 14), date(2027, 3, 14))
    # No timezone given: the default (New York); 2026-12-14 09:00 EST is 14:00 UTC.
    assert reminder is not None
    assert reminder.next_fire_at == datetime(2026, 12, 14, 14, 0, tzinfo=UTC)
    listed = await reply_to(worker, worker.send("/earned"))
    assert "1. HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) · expires 2027-03-14" in texts(listed)


async def test_never_expiring_credential_gets_no_alerts_and_says_why(harness: Harness) -> None:
    worker = harness.emulator.user(4002, "Lou", language_code="en")
    await reply_to(worker, worker.send("/earned"))
    matches = await reply_to(worker, worker.send("OSHA 30"))
    await reply_to(worker, worker.press(labels(matches)[0]))
    saved = await reply_to(worker, worker.press("1 year ago"))
    assert "It never expires, so there are no renewal alerts." in texts(saved)
    row, reminder = await held(harness, 4002)
    assert (row.earned_on, row.expires_on, reminder) == (date(2025, 11, 23), None, None)


async def test_unknown_renewal_asks_the_worker(harness: Harness) -> None:
    worker = harness.emulator.user(4003, "Max", language_code="en")
    matches = await reply_to(worker, worker.send("/earned NCCER Masonry"))
    await reply_to(worker, worker.press(labels(matches)[0]))
    asked = await reply_to(worker, worker.press("Today"))
    assert "The catalog doesn't say when it expires." in texts(asked)
    saved = await reply_to(worker, worker.press("I don't know"))
    assert "Nobody told me when it expires, so there are no renewal alerts." in texts(saved)
    assert (await held(harness, 4003))[1] is None

    # Again, now with the date from the card: alerts are set.
    matches = await reply_to(worker, worker.send("/earned NCCER Masonry"))
    await reply_to(worker, worker.press(labels(matches)[0]))
    await reply_to(worker, worker.press("Today"))
    bad = await reply_to(worker, worker.send("someday"))
    assert "Sorry, I couldn't read that date." in texts(bad)
    saved = await reply_to(worker, worker.send("June 2028"))
    assert "It expires on 2028-06-01." in texts(saved)
    row, reminder = await held(harness, 4003)
    assert row.expires_on == date(2028, 6, 1) and reminder is not None
