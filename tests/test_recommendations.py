"""Recommendations respect what the worker said, and remember "Not for me"."""

from __future__ import annotations

from bot.db.models import Profile
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


async def test_online_only_worker_never_sees_in_person_only(harness: Harness) -> None:
    worker = harness.emulator.user(2001, "Mo", language_code="en")
    replies, _ = await onboard_by_taps(
        worker, *taps_to_cards("Electrician", goal="Safety compliance", delivery="Online")
    )
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    for card in shown:
        assert credential_named(card.text).delivery != ["in_person"], card.text


async def _carpenter_starting_a_business(harness: Harness, user_id: int, budget: str) -> list[str]:
    """A journeyman carpenter who wants his own business (the RRP firm fee is $300)."""
    worker = harness.emulator.user(user_id, "Mo", language_code="en")
    taps = list(taps_to_cards("Carpenter", goal="Start my own business", budget=budget))
    taps[1] = "Journeyman"
    replies, _ = await onboard_by_taps(worker, *taps)
    return [credential_named(card.text).id for card in cards(replies)]


async def test_a_small_budget_moves_a_costly_credential_down(harness: Harness) -> None:
    unlimited = await _carpenter_starting_a_business(harness, 2003, "No limit")
    assert unlimited[0] == "epa-rrp-firm", unlimited
    small = await _carpenter_starting_a_business(harness, 2004, "Up to $100")
    assert len(small) == 3 and "epa-rrp-firm" not in small, small
    async with harness.services.sessions() as session:
        assert (await session.get(Profile, 2004)).budget_usd == 100  # type: ignore[union-attr]


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


async def test_recommend_before_onboarding_points_to_start(harness: Harness) -> None:
    worker = harness.emulator.user(2005, "Ned", language_code="en")
    replies = await reply_to(worker, worker.send("/recommend"))
    assert "/start" in texts(replies)
    assert not labels(replies)


def test_three_cards_and_their_header_fit_in_1200_characters() -> None:
    """A phone screen and a half, in both languages, for every trade."""
    from bot.i18n import translator
    from catalog import Profile, recommend
    from handlers.cards import card, reasons_text

    longest = (0, "")
    for language in ("en", "es"):
        t = translator(language)
        header = t("All set! Here are three credentials worth your time:")
        for trade in CATALOG.trades:
            for goal in ("first_job", "license", "safety"):
                profile = Profile(trade=trade, experience="new", goals={goal}, region="US-TX")
                shown = recommend(profile, limit=3, catalog=CATALOG)
                total = len(header) + sum(
                    len(card(t, r.credential, reasons_text(t, r.reasons, CATALOG), n))
                    for n, r in enumerate(shown, 1)
                )
                longest = max(longest, (total, f"{language} {trade} {goal}"))
    assert longest[0] < 1200, longest


def test_every_credential_type_reads_as_words() -> None:
    from catalog.schema import CredentialType
    from handlers.cards import TYPE_LABELS

    assert set(TYPE_LABELS) == set(CredentialType.__args__)  # type: ignore[attr-defined]
