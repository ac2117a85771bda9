"""A worker records what they hold; renewal alerts follow only when an expiry is known."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.db.models import EarnedCredential, Reminder
from bot.reminders.dispatcher import TickReport, dispatch_due
from emulator import ChatMessage, EmulatedUser
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


async def test_i_renewed_it_moves_the_expiry_and_the_alerts(harness: Harness) -> None:
    """Kay's HAZWOPER 40 (12-month renewal, from the catalog) expires 2027-03-14. The
    90-day alert says everything the catalog knows and what it does not; "I renewed it"
    moves the expiry a year on from today and the alerts with it."""
    kay = harness.emulator.user(4004, "Kay", language_code="en")
    matches = await reply_to(kay, kay.send("/earned HAZWOPER 40"))
    await reply_to(kay, kay.press(labels(matches)[0]))
    await reply_to(kay, kay.send("2026-03-14"))
    alert = await alert_at(harness, kay, datetime(2026, 12, 14, 14, 0, tzinfo=UTC))
    assert alert.text == (
        "🔔 Your HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) expires in 90 days, on 2027-03-14.\n"
        "It renews every 12 months.\n"
        "Renewal needs 8 continuing-education hours.\n"
        "Exam or fee to renew: not in the catalog; the issuer's page says.\n"
        "Issuer's note: 8 hours of refresher training every year."
    )
    keyboard = alert.reply_markup["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [
        ["✅ I renewed it"],
        ["Issuer's page"],
    ]
    assert keyboard[1][0]["url"] == "https://www.osha.gov/hazardous-waste"

    renewed = await reply_to(kay, kay.press("✅ I renewed it", message=alert))
    assert texts(renewed) == (
        "✓ HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) renewed on 2026-12-14.\n"
        "It expires on 2027-12-14. I'll remind you 90, 30 and 7 days before, and on the day."
    )
    row, reminder = await held(harness, 4004)
    assert row.expires_on == date(2027, 12, 14) and row.earned_on == date(2026, 3, 14)
    # The old expiry's alerts are gone: next is 90 days before the new one, 09:00 EDT.
    assert reminder is not None
    assert reminder.next_fire_at == datetime(2027, 9, 15, 13, 0, tzinfo=UTC)
    report = await tick_at(harness, datetime(2027, 3, 14, 14, 0, tzinfo=UTC))
    assert report.sent == 0
    alert = await alert_at(harness, kay, datetime(2027, 9, 15, 13, 0, tzinfo=UTC))
    assert alert.text.startswith("🔔 Your HAZWOPER 40-Hour (OSHA 29 CFR 1910.120) expires in 90")


async def test_i_renewed_it_asks_the_date_when_the_catalog_has_no_period(
    harness: Harness,
) -> None:
    max_ = harness.emulator.user(4005, "Max", language_code="es")
    matches = await reply_to(max_, max_.send("/earned NCCER Masonry"))
    await reply_to(max_, max_.press(labels(matches)[0]))
    await reply_to(max_, max_.press("Hoy"))
    await reply_to(max_, max_.send("2027-01-10"))
    alert = await alert_at(harness, max_, datetime(2026, 12, 11, 14, 0, tzinfo=UTC))
    assert alert.text.endswith(
        "\nEl catálogo aún no tiene datos de renovación: la página del emisor los da."
    )
    asked = await reply_to(max_, max_.press("✅ Ya la renové", message=alert))
    assert texts(asked).endswith(
        "El catálogo no dice cuánto dura una renovación. Escribe la nueva fecha de vencimiento "
        'de tu tarjeta ("2029-06-30"), o /cancel.'
    )
    bad = await reply_to(max_, max_.send("2026-12-01"))
    assert "Perdón, necesito una fecha posterior a hoy." in texts(bad)
    assert (await held(harness, 4005))[0].expires_on == date(2027, 1, 10)
    saved = await reply_to(max_, max_.send("2029-01-10"))
    assert "renovada el 2026-12-11." in texts(saved)
    row, reminder = await held(harness, 4005)
    assert row.expires_on == date(2029, 1, 10) and reminder is not None
    assert reminder.next_fire_at == datetime(2028, 10, 12, 13, 0, tzinfo=UTC)


async def tick_at(harness: Harness, moment: datetime) -> TickReport:
    harness.clock.advance(moment - harness.clock.now())
    return await dispatch_due(harness.running.application)  # type: ignore[union-attr]


async def alert_at(harness: Harness, worker: EmulatedUser, moment: datetime) -> ChatMessage:
    """Move the clock to `moment`: exactly one renewal alert arrives."""
    report = await tick_at(harness, moment)
    assert report.sent == 1, moment
    arrived = await worker.wait_for_reply(timeout=5)
    assert len(arrived) == 1
    return arrived[0]
