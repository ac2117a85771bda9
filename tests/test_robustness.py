"""Nothing breaks the flow: odd input gets a short, kind answer and loses nothing."""

from __future__ import annotations

import pytest

from bot.callbacks import pack
from tests.conftest import Harness
from tests.story import labels, reply_to, texts


async def started(harness: Harness, user_id: int, language: str = "en"):  # type: ignore[no-untyped-def]
    worker = harness.emulator.user(user_id, f"W{user_id}", language_code=language)
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Electrician"))
    return worker


async def test_text_where_a_button_was_expected_reasks_kindly(harness: Harness) -> None:
    worker = await started(harness, 3001)
    replies = await reply_to(worker, worker.send("banana"))
    assert "didn't catch that" in texts(replies)
    assert "Where are you in your trade?" in texts(replies)
    assert "Journeyman" in labels(replies)


@pytest.mark.parametrize("action", ["sticker", "photo", "voice"])
async def test_stickers_photos_and_voice_notes_midflow(harness: Harness, action: str) -> None:
    worker = await started(harness, 3002)
    send = {"sticker": worker.send_sticker, "photo": worker.send_photo, "voice": worker.send_voice}[
        action
    ]
    replies = await reply_to(worker, send())
    assert "only read text" in texts(replies)
    assert "Where are you in your trade?" in texts(replies)


async def test_emoji_and_a_4000_character_message(harness: Harness) -> None:
    worker = await started(harness, 3003)
    replies = await reply_to(worker, worker.send("👷‍♂️🔧⚡"))
    assert "Where are you in your trade?" in texts(replies)
    await reply_to(worker, worker.press("Journeyman"))
    await reply_to(worker, worker.press("✔ Done"))
    replies = await reply_to(worker, worker.send("I want to " + "wire panels " * 340))
    assert len("".join(m.text for m in replies)) < 1200
    assert "Do you already hold" in texts(replies)


async def test_stale_button_from_an_earlier_question(harness: Harness) -> None:
    worker = await started(harness, 3004)
    question = worker.last
    await reply_to(worker, worker.press("Apprentice"))
    # An old trade button, still on an old message in the chat, pressed now.
    stale = pack("ob", "trade", 3004, "welder")
    replies = await reply_to(worker, worker.press_data(stale, message=question))
    assert "earlier question" in texts(replies)
    assert "What do you want next?" in texts(replies)


async def test_forged_and_foreign_callback_data_is_refused(harness: Harness) -> None:
    worker = await started(harness, 3005)
    for forged in (
        "1|ob|exp|master|zzzz",
        "totally forged",
        "1|rc|no|deadbeef|2bh",
        pack("rc", "no", 999, "deadbeef"),
    ):
        await worker.press_data(forged)
        await worker.wait_for_reply()
    assert any("no longer valid" in answer or "someone else" in answer for answer in worker.answers)
    # Nothing was changed: the worker still gets the experience question.
    replies = await reply_to(worker, worker.press("Master or lead"))
    assert "What do you want next?" in texts(replies)


async def test_buttons_outside_any_flow_expire_kindly(harness: Harness) -> None:
    worker = harness.emulator.user(3006, "Old", language_code="en")
    await reply_to(worker, worker.send("/help"))
    await worker.press_data(pack("ob", "hours", 3006, "5"))
    await worker.wait_for_reply()
    assert worker.answers and "expired" in worker.answers[-1]


async def test_edited_messages_get_a_short_answer(harness: Harness) -> None:
    worker = harness.emulator.user(3007, "Ed", language_code="en")
    update = await worker.send("/help")
    replies = await reply_to(worker, worker.edit(update["message"]["message_id"], "/find"))
    assert "edited a message" in texts(replies)


async def test_cancel_works_at_every_step(harness: Harness) -> None:
    worker = await started(harness, 3008)
    for label in ("Journeyman", "Get licensed"):
        replies = await reply_to(worker, worker.send("/cancel"))
        assert "stopped" in texts(replies)
        await reply_to(worker, worker.send("/start"))
        await reply_to(worker, worker.press(label))


async def test_unknown_text_and_commands_outside_flows(harness: Harness) -> None:
    worker = harness.emulator.user(3009, "Zed", language_code="en")
    replies = await reply_to(worker, worker.send("forklift"))
    assert "Results for" in texts(replies)
    replies = await reply_to(worker, worker.send("🤷"))
    assert "/help" in texts(replies)
    replies = await reply_to(worker, worker.send("/dance"))
    assert "don't know that command" in texts(replies)


async def test_a_blocked_user_is_remembered_and_welcomed_back(harness: Harness) -> None:
    from bot.db.models import User

    worker = harness.emulator.user(3010, "Bea", language_code="en")
    await reply_to(worker, worker.send("/help"))
    await worker.block()
    await worker.assert_no_reply()
    async with harness.services.sessions() as session:
        user = await session.get(User, 3010)
        assert user is not None and not user.is_active
    await worker.unblock()
    replies = await reply_to(worker, worker.send("/help"))
    assert "/start" in texts(replies)


async def test_a_database_hiccup_gets_a_kind_word_and_loses_nothing(harness: Harness) -> None:
    import sqlite3

    worker = await started(harness, 3011)
    database = harness.settings.database_url.split("///", 1)[1]
    # Another process breaks the profiles table for a moment: the next answer cannot be saved.
    with sqlite3.connect(database) as outage:
        outage.execute("ALTER TABLE profiles RENAME TO profiles_away")
    replies = await reply_to(worker, worker.press("Journeyman"))
    assert "something went wrong" in texts(replies)
    with sqlite3.connect(database) as repair:
        repair.execute("ALTER TABLE profiles_away RENAME TO profiles")
    # Same question, same step: pressing again now works.
    replies = await reply_to(worker, worker.press("Journeyman"))
    assert "What do you want next?" in texts(replies)
