"""Recommendations respect what the worker said, and remember "Not for me"."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import Plan, Reminder, User
from bot.reminders.dispatcher import dispatch_due
from catalog import default_catalog
from tests.conftest import Harness
from tests.story import cards, labels, onboard_by_taps, reply_to, taps_to_cards, texts

CATALOG = default_catalog()


def credential_named(card_text: str):  # type: ignore[no-untyped-def]
    """The catalog record a card is about (its first line is "N. <name>")."""
    first = card_text.splitlines()[0].split(". ", 1)[1]
    matches = [c for c in CATALOG.credentials.values() if c.name.startswith(first.rstrip("…"))]
    assert matches, first
    return matches[0]


async def test_online_only_and_small_budget_are_respected(harness: Harness) -> None:
    worker = harness.emulator.user(2001, "Mo", language_code="en")
    replies, _ = await onboard_by_taps(
        worker,
        *taps_to_cards(
            "Electrician",
            goal="Safety compliance",
            hours="1–2 h",
            budget="Up to $100",
            delivery="Online",
        ),
    )
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    for card in shown:
        credential = credential_named(card.text)
        assert credential.delivery != ["in_person"], credential.id
        if credential.cost and credential.cost.min is not None:
            assert credential.cost.min <= 100, credential.id


async def test_not_for_me_never_returns_and_more_shows_the_next_three(harness: Harness) -> None:
    worker = harness.emulator.user(2002, "Ivy", language_code="en")
    replies, _ = await onboard_by_taps(worker, *taps_to_cards("HVAC/R technician"))
    first = cards(replies)
    first_page = {credential_named(c.text).id for c in first}
    dismissed = credential_named(first[0].text)
    after = await reply_to(worker, worker.press("Not for me", message=first[0]))
    assert "won't suggest it again" in texts(after) or "won't suggest it again" in " ".join(
        worker.answers
    )
    more = cards(await reply_to(worker, worker.press("More like this", message=first[-1])))
    assert len(more) == 3
    assert [c.text.split(".")[0] for c in more] == ["4", "5", "6"]
    assert not first_page & {credential_named(c.text).id for c in more}  # nothing repeated
    again = cards(await reply_to(worker, worker.send("/recommend")))
    seen = {credential_named(c.text).id for c in [*more, *again]}
    assert dismissed.id not in seen


async def test_details_show_the_issuers_link(harness: Harness) -> None:
    worker = harness.emulator.user(2003, "Uma", language_code="en")
    replies, _ = await onboard_by_taps(
        worker, *taps_to_cards("Welder", hours="6–10 h", budget="Up to $500")
    )
    first = cards(replies)[0]
    details = await reply_to(worker, worker.press("Details", message=first))
    credential = credential_named(first.text)
    link = details[-1].reply_markup["inline_keyboard"][-1][0]  # type: ignore[index]
    assert link["url"] == str(credential.source_url)
    assert "Last reviewed" in details[-1].text and len(details[-1].text) <= 600
    sent = harness.emulator.calls_to("sendMessage")[-1].params
    assert "is_disabled" in str(sent.get("link_preview_options")), sent  # no big link preview


async def test_start_a_plan_asks_timezone_then_checkin(harness: Harness) -> None:
    worker = harness.emulator.user(2004, "Gus", language_code="en")
    replies, _ = await onboard_by_taps(worker, *taps_to_cards("Plumber"))
    asked = await reply_to(worker, worker.press("Start a plan", message=cards(replies)[0]))
    assert "what time is it where you are" in texts(asked)
    await reply_to(worker, worker.send("Chicago"))
    await reply_to(worker, worker.press("Wed"))
    done = await reply_to(worker, worker.send("6:30pm"))
    assert "every Wed at 18:30" in texts(done)
    async with harness.services.sessions() as session:
        plan = await session.scalar(select(Plan).where(Plan.user_id == 2004))
        reminder = await session.scalar(select(Reminder).where(Reminder.user_id == 2004))
    assert plan is not None and plan.status == "active"
    assert reminder is not None and reminder.schedule == {"weekday": 2, "time": "18:30"}
    async with harness.services.sessions() as session:
        user = await session.get(User, 2004)
    assert user is not None and user.timezone == "America/Chicago"  # the one copy
    assert reminder.next_fire_at is not None and reminder.next_fire_at > harness.clock.now()
    local = reminder.next_fire_at.astimezone(ZoneInfo("America/Chicago"))
    assert (local.weekday(), local.hour, local.minute) == (2, 18, 30)

    # A week later (on the shared clock) the dispatcher sends the check-in, once.
    harness.clock.advance(timedelta(days=7))
    assert (await dispatch_due(harness.running.application)).sent == 1
    nudge = await worker.wait_for_reply()
    assert "Weekly check-in" in texts(nudge)
    assert (await dispatch_due(harness.running.application)).sent == 0
    async with harness.services.sessions() as session:
        again = await session.get(Reminder, reminder.id)
    assert again is not None and again.next_fire_at > harness.clock.now()


async def test_recommend_before_onboarding_points_to_start(harness: Harness) -> None:
    worker = harness.emulator.user(2005, "Ned", language_code="en")
    replies = await reply_to(worker, worker.send("/recommend"))
    assert "/start" in texts(replies)
    assert not labels(replies)
