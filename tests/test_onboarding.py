"""A worker on a break: from /start to three recommendations, by taps or by typing."""

from __future__ import annotations

from bot.db.models import Profile, User
from tests.conftest import Harness
from tests.story import (
    TAP_BUDGET,
    cards,
    labels,
    onboard_by_taps,
    reply_to,
    taps_to_cards,
    texts,
)

HVAC_TAPS = taps_to_cards("HVAC/R technician")


async def profile_of(harness: Harness, user_id: int) -> Profile:
    async with harness.services.sessions() as session:
        profile = await session.get(Profile, user_id)
        assert profile is not None
        return profile


async def test_start_greets_with_buttons(harness: Harness) -> None:
    alice = harness.emulator.user(1001, "Alice", language_code="en")
    replies = await reply_to(alice, alice.send("/start"))
    assert len(replies) == 1, texts(replies)
    assert "Hi Alice" in replies[0].text
    assert "Electrician" in labels(replies)


async def test_hvac_apprentice_gets_epa_608_within_ten_taps(harness: Harness) -> None:
    worker = harness.emulator.user(1002, "Rosa", language_code="en")
    replies, taps = await onboard_by_taps(worker, *HVAC_TAPS)
    assert taps <= TAP_BUDGET
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    assert any("608" in card.text for card in shown), texts(shown)
    for card in shown:
        assert len(card.text) <= 600
        assert {"Details", "Start a plan", "Not for me"} <= set(labels([card]))
    profile = await profile_of(harness, 1002)
    assert (profile.trade, profile.experience, profile.goals) == (
        "hvac",
        "apprentice",
        ["first_job"],
    )
    assert profile.completed_at is not None


async def test_typed_answers_with_typos_and_slang(harness: Harness) -> None:
    worker = harness.emulator.user(1003, "Dee", language_code="en")
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.send("im a sparky"))
    assert "Where are you in your trade?" in texts(replies)
    for typed in ("journeymen", "get my licence", "arc flash training", "OSHA 10"):
        replies = await reply_to(worker, worker.send(typed))
    # Holds: the bot offers matches to tap for what was typed.
    assert any("OSHA 10" in label for label in labels(replies)), texts(replies)
    await reply_to(worker, worker.press(labels(replies)[0]))
    replies = await reply_to(worker, worker.press("✔ Done"))
    for typed in ("like 4 hrs", "$200", "onlin"):
        replies = await reply_to(worker, worker.send(typed))
    replies = await reply_to(worker, worker.send("Texas"))
    assert len(cards(replies)) == 3, texts(replies)
    profile = await profile_of(harness, 1003)
    assert profile.trade == "electrician"
    assert profile.experience == "journeyman"
    assert profile.goals == ["license"]
    assert profile.about == "arc flash training"
    assert (profile.weekly_hours, profile.budget_usd, profile.delivery) == (4, 200, "online")
    assert profile.region == "US-TX"
    async with harness.services.sessions() as session:
        user = await session.get(User, 1003)
        assert user is not None and user.timezone == "America/Chicago"


async def test_unsure_trade_asks_did_you_mean(harness: Harness) -> None:
    worker = harness.emulator.user(1004, "Sam", language_code="en")
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.send("service technician"))
    assert "Did you mean" in texts(replies)
    options = labels(replies)
    assert len(options) >= 3 and "None of these" in options
    replies = await reply_to(worker, worker.press(options[0]))
    assert "Where are you in your trade?" in texts(replies)


async def test_back_and_skip(harness: Harness) -> None:
    worker = harness.emulator.user(1005, "Lee", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Welder"))
    replies = await reply_to(worker, worker.press("◀ Back"))
    assert "What's your trade?" in texts(replies)
    await reply_to(worker, worker.press("Plumber"))
    replies = await reply_to(worker, worker.press("Skip ▶"))  # experience skipped
    assert "What do you want next?" in texts(replies)
    profile = await profile_of(harness, 1005)
    assert profile.trade == "plumber" and profile.experience is None


async def test_restart_halfway_resumes_at_the_same_step(harness: Harness) -> None:
    worker = harness.emulator.user(1006, "Kim", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Carpenter"))
    await reply_to(worker, worker.press("Apprentice"))
    await harness.restart()
    # The goals question is still on screen; tapping it after the restart just works.
    replies = await reply_to(worker, worker.press("First job"))
    assert "✅ First job" in labels(replies)
    replies = await reply_to(worker, worker.press("✔ Done"))
    assert "In your own words" in texts(replies)


async def test_cancel_then_start_picks_up_again(harness: Harness) -> None:
    worker = harness.emulator.user(1007, "Ana", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Electrician"))
    replies = await reply_to(worker, worker.send("/cancel"))
    assert "stopped" in texts(replies)
    replies = await reply_to(worker, worker.send("/start"))
    assert "Where are you in your trade?" in texts(replies)
    assert "What's your trade?" not in texts(replies)


async def test_start_again_offers_to_keep_or_redo(harness: Harness) -> None:
    worker = harness.emulator.user(1008, "Bo", language_code="en")
    await onboard_by_taps(worker, *HVAC_TAPS)
    replies = await reply_to(worker, worker.send("/start"))
    assert {"Redo my profile", "Keep it, show my picks"} <= set(labels(replies))
    replies = await reply_to(worker, worker.press("Keep it, show my picks"))
    assert len(cards(replies)) == 3
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.press("Redo my profile"))
    assert "What's your trade?" in texts(replies)
    assert (await profile_of(harness, 1008)).trade is None


async def test_spanish_from_start_to_finish(harness: Harness) -> None:
    worker = harness.emulator.user(1009, "José", language_code="es-MX")
    replies = await reply_to(worker, worker.send("/start"))
    assert "¡Hola, José!" in texts(replies) and "¿Cuál es tu oficio?" in texts(replies)
    await reply_to(worker, worker.send("soldador"))
    await reply_to(worker, worker.send("aprendiz"))
    for label in (
        "Primer trabajo",
        "✔ Listo",
        "Saltar ▶",
        "✔ Listo",
        "3–5 h",
        "Solo gratis",
        "Cualquiera",
    ):
        replies = await reply_to(worker, worker.press(label))
        assert not any(word in texts(replies) for word in ("What", "Where", "How many")), label
    replies = await reply_to(worker, worker.press("🇺🇸 EE. UU."))
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    assert {"Detalles", "Empezar un plan", "No es para mí"} <= set(labels(shown))
    assert "Not for me" not in labels(shown)
    details = await reply_to(worker, worker.press("Detalles", message=shown[0]))
    assert "Página del emisor" in labels(details)
    assert "Cómo:" in texts(details)
    profile = await profile_of(harness, 1009)
    assert (profile.trade, profile.experience, profile.budget_usd) == ("welder", "apprentice", 0)


async def test_a_mistaken_held_credential_can_be_taken_off(harness: Harness) -> None:
    worker = harness.emulator.user(1010, "Noa", language_code="en")
    await onboard_by_taps(worker, "Electrician", "Journeyman", "✔ Done", "Skip ▶")
    offered = await reply_to(worker, worker.send("osha 30"))
    held = next(label for label in labels(offered) if "OSHA 30" in label)
    asked = await reply_to(worker, worker.press(held))
    assert "You hold:\n1. OSHA 30" in texts(asked)
    removal = next(label for label in labels(asked) if label.startswith("✖"))
    asked = await reply_to(worker, worker.press(removal))
    assert "You hold" not in texts(asked)


async def test_moving_region_in_the_profile_moves_the_timezone(harness: Harness) -> None:
    worker = harness.emulator.user(1011, "Ola", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.send("/profile"))
    await reply_to(worker, worker.press("Region"))
    back = await reply_to(worker, worker.send("Ontario"))
    assert "Region: Ontario" in texts(back)
    assert "America/Toronto" in texts(back)


async def test_asking_for_help_mid_question_answers_then_asks_again(harness: Harness) -> None:
    worker = harness.emulator.user(1012, "Ana", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Welder"))
    replies = await reply_to(worker, worker.send("help"))
    assert "/recommend: the three credentials worth your time" in texts(replies)
    assert replies[-1].text == "Where are you in your trade?"
    assert "Apprentice" in replies[-1].buttons[0]
    await reply_to(worker, worker.press("Apprentice"))
    # At the goals question a question about privacy is answered, not kept as own words.
    replies = await reply_to(worker, worker.send("who can see my answers?"))
    assert "What I keep about you, and why" in texts(replies)
    assert replies[-1].text.startswith("What do you want next?")
    profile = await profile_of(harness, 1012)
    assert profile.experience == "apprentice" and profile.about is None and profile.goals == []
