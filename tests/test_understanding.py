"""Workers type the way they talk: every word they type is used, in English or Spanish."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import DismissedCredential, Profile, User
from catalog import default_catalog
from handlers.chat import shorten
from tests.conftest import Harness
from tests.story import cards, labels, onboard_by_taps, reply_to, taps_to_cards, texts

CATALOG = default_catalog()


async def _profile(harness: Harness, user_id: int) -> tuple[Profile, User]:
    async with harness.services.sessions() as session:
        profile = await session.get(Profile, user_id)
        user = await session.get(User, user_id)
        assert profile is not None and user is not None
        return profile, user


async def test_free_text_goes_to_what_the_worker_wants_not_to_search(harness: Harness) -> None:
    worker = harness.emulator.user(8001, "Gil", language_code="en")
    answers = {
        "hello": "Hi Gil! I'm Toolbox.",
        "help": "Toolbox finds short credentials that prove your skills.",
        "i studied 2 hours": "There's no active plan to log that against.",
        "stop reminders": "Your reminders (your time, America/New York)",
        "delete my data": "Erase everything?",
        "thanks!": "You're welcome!",
        "ok cool": "I couldn't find a credential like that; try /find with its name.",
    }
    for typed, expected in answers.items():
        replies = await reply_to(worker, worker.send(typed))
        assert len(replies) == 1 and expected in replies[0].text, (typed, texts(replies))
        assert "ASE" not in replies[0].text and "CompTIA" not in replies[0].text, typed
    replies = await reply_to(worker, worker.send("osha 30 online"))
    assert 'Results for "osha 30 online"' in texts(replies)


async def test_spanish_free_text_is_understood_too(harness: Harness) -> None:
    worker = harness.emulator.user(8002, "Lupe", language_code="es")
    answers = {
        "hola": "¡Hola, Lupe! Soy Toolbox.",
        "estudié 2 horas": "No hay ningún plan activo donde anotarlo.",
        "no me mandes más mensajes": "Tus recordatorios (tu hora, America/New York)",
        "borra mis datos": "¿Lo borro todo?",
        "gracias": "¡De nada!",
    }
    for typed, expected in answers.items():
        replies = await reply_to(worker, worker.send(typed))
        assert expected in texts(replies), (typed, texts(replies))


async def test_one_sentence_answers_every_question_it_can(harness: Harness) -> None:
    worker = harness.emulator.user(8003, "Cal", language_code="en")
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.send("journeyman welder in texas, want my license"))
    assert "✓ Welder · Journeyman · Get licensed · Texas" in texts(replies)
    assert "Not right? /profile changes any answer." in texts(replies)
    assert "In your own words" in texts(replies)  # experience and goals were not asked
    profile, user = await _profile(harness, 8003)
    assert (profile.trade, profile.experience, profile.goals, profile.region) == (
        "welder",
        "journeyman",
        ["license"],
        "US-TX",
    )
    assert user.timezone == "America/Chicago"
    replies = await reply_to(worker, worker.press("Skip ▶"))  # own words
    replies = await reply_to(worker, worker.press("✔ Done"))  # holds
    replies = await reply_to(worker, worker.press("3–5 h"))
    replies = await reply_to(worker, worker.press("No limit"))
    replies = await reply_to(worker, worker.press("Either"))
    assert len(cards(replies)) == 3, texts(replies)  # region was answered: not asked again


async def test_trade_and_level_in_one_answer_skip_the_level_question(harness: Harness) -> None:
    worker = harness.emulator.user(8004, "Ike", language_code="en")
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.send("im an hvac aprentice"))
    assert "✓ HVAC/R technician · Apprentice" in texts(replies)
    assert "What do you want next?" in texts(replies)
    assert "Where are you in your trade?" not in texts(replies)
    profile, _ = await _profile(harness, 8004)
    assert (profile.trade, profile.experience) == ("hvac", "apprentice")


async def test_a_spanish_worker_is_answered_in_spanish_from_the_first_words(
    harness: Harness,
) -> None:
    worker = harness.emulator.user(8005, "Rafa", language_code="en")  # phone in English
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.send("tengo 5 años soldando"))
    assert "(Te escribo en español. For English: /language)" in texts(replies)
    assert "✓ Soldador · Oficial" in texts(replies)
    assert "¿Qué quieres lograr ahora?" in texts(replies)
    replies = await reply_to(worker, worker.send("quiero un trabajo que pague mejor"))
    assert "✓ Ascenso o aumento" in texts(replies)
    await reply_to(worker, worker.press("Saltar ▶"))  # own words
    replies = await reply_to(worker, worker.send("no tengo ninguna"))
    assert "¿Cuántas horas a la semana puedes estudiar?" in texts(replies)
    for label in ("3–5 h", "Sin límite", "Cualquiera"):
        replies = await reply_to(worker, worker.press(label))
    replies = await reply_to(worker, worker.send("en Houston"))
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    assert {"Detalles", "No es para mí"} <= set(labels(shown))
    for card in shown:  # the description line is the catalog's Spanish one
        record = next(c for c in CATALOG.credentials.values() if c.name[:30] in card.text)
        assert shorten(record.description_es or "", 110) in card.text
    profile, user = await _profile(harness, 8005)
    assert (profile.experience, profile.goals, profile.region) == (
        "journeyman",
        ["promotion"],
        "US-TX",
    )
    assert (user.language, user.timezone) == ("es", "America/Chicago")


async def test_goals_in_the_workers_own_words_are_kept_not_refused(harness: Harness) -> None:
    worker = harness.emulator.user(8006, "Oz", language_code="en")
    await onboard_by_taps(worker, "Electrician", "Journeyman")
    replies = await reply_to(worker, worker.send("work on wind turbines offshore"))
    assert "✓ work on wind turbines offshore" in texts(replies)
    assert "Do you already hold any credentials?" in texts(replies)  # own words not asked
    profile, _ = await _profile(harness, 8006)
    assert (profile.goals, profile.about) == ([], "work on wind turbines offshore")


async def test_spanish_place_names_and_towns_answer_the_region(harness: Harness) -> None:
    for user_id, typed, region, zone in (
        (8007, "Nuevo México", "US-NM", "America/Denver"),
        (8008, "near Calgary", "CA-AB", "America/Edmonton"),
        (8009, "Tejas", "US-TX", "America/Chicago"),
    ):
        worker = harness.emulator.user(user_id, "Pat", language_code="en")
        await reply_to(worker, worker.send("/start"))
        await reply_to(worker, worker.send("/profile"))
        await reply_to(worker, worker.press("Region"))
        back = await reply_to(worker, worker.send(typed))
        assert "Your profile" in texts(back), typed
        profile, user = await _profile(harness, user_id)
        assert (profile.region, user.timezone) == (region, zone), typed


async def test_not_for_me_can_be_undone_and_hidden_ones_listed(harness: Harness) -> None:
    worker = harness.emulator.user(8010, "Ty", language_code="en")
    replies, _ = await onboard_by_taps(worker, *taps_to_cards("Plumber"))
    shown = cards(replies)
    assert all("More like this" in labels([card]) for card in shown)
    name = shown[0].text.splitlines()[0].split(". ", 1)[1]
    after = await reply_to(worker, worker.press("Not for me", message=shown[0]))
    assert "I won't suggest it again." in texts(after)
    profile_screen = await reply_to(worker, worker.send("/profile"))
    assert "Not for me: 1 hidden" in texts(profile_screen)
    assert "• Budget: No limit" in texts(profile_screen)
    hidden = await reply_to(worker, worker.press("Hidden"))
    full = next(c.name for c in CATALOG.credentials.values() if c.name.startswith(name[:-1]))
    assert labels(hidden) == [shorten("↩ " + full, 40)]
    back = await reply_to(worker, worker.press("↩ Undo", message=after[-1]))
    assert "is back on your list." in texts(back)
    async with harness.services.sessions() as session:
        rows = await session.scalars(
            select(DismissedCredential).where(DismissedCredential.user_id == 8010)
        )
        assert list(rows) == []


async def test_details_name_the_credential_type_in_words(harness: Harness) -> None:
    worker = harness.emulator.user(8011, "Flo", language_code="en")
    await reply_to(worker, worker.send("/find osha 10 construction"))
    details = await reply_to(worker, worker.press("Details 1"))
    assert "Certificate of completion" in texts(details)
    assert "CertificateOfCompletion" not in texts(details)


async def test_find_shows_the_quoted_query_once(harness: Harness) -> None:
    worker = harness.emulator.user(8012, "Lin", language_code="en")
    replies = await reply_to(worker, worker.send('/find "arc flash"'))
    assert 'Results for "arc flash"' in texts(replies)
    assert '""' not in texts(replies)
    assert "Robotic" not in texts(replies)


async def test_a_welder_who_writes_pipeline_jobs_sees_the_pipeline_weld_test_first(
    harness: Harness,
) -> None:
    worker = harness.emulator.user(8020, "Wes", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.send("journeyman welder in texas"))
    await reply_to(worker, worker.press("Promotion or raise"))
    replies = await reply_to(worker, worker.press("✔ Done"))
    assert "In your own words" in texts(replies)
    replies = await reply_to(worker, worker.send("pipeline jobs"))
    assert "✓ pipeline jobs" in texts(replies)
    replies = await reply_to(worker, worker.press("✔ Done"))  # holds
    for label in ("3–5 h", "No limit", "Either"):
        replies = await reply_to(worker, worker.press(label))
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    assert "Pipeline Welder Qualification to API Standard 1104" in shown[0].text
    assert "Matches what you want: pipeline" in shown[0].text
    assert "API 1169" not in texts(replies)
