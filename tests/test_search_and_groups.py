"""Search anywhere, and never ask personal questions in front of the crew."""

from __future__ import annotations

from tests.conftest import Harness
from tests.story import labels, reply_to, texts


async def test_find_lists_matches_with_details(harness: Harness) -> None:
    worker = harness.emulator.user(4001, "Fay", language_code="en")
    replies = await reply_to(worker, worker.send("/find osha ten"))
    assert "OSHA 10" in texts(replies)
    details = await reply_to(worker, worker.press("Details 1"))
    assert "Issuer's page" in labels(details)


async def test_find_without_words_and_with_nonsense(harness: Harness) -> None:
    worker = harness.emulator.user(4002, "Gil", language_code="en")
    assert "For example" in texts(await reply_to(worker, worker.send("/find")))
    assert "Nothing matched" in texts(await reply_to(worker, worker.send("/find qqqqzzzz")))


async def test_inline_query_lists_cards_to_share(harness: Harness) -> None:
    worker = harness.emulator.user(4003, "Hal", language_code="en")
    results = await worker.inline_query("welding")
    assert results
    assert any("Welder" in r["title"] or "Weld" in r["title"] for r in results)
    for result in results:
        content = result["input_message_content"]
        assert len(content["message_text"]) <= 4096
    assert await worker.inline_query("") == []


async def test_start_in_a_group_links_to_the_private_chat(harness: Harness) -> None:
    worker = harness.emulator.user(4004, "Ike", language_code="en")
    crew = harness.emulator.group(-4005, "Crew chat")
    await crew.add_member(worker)
    await crew.send(worker, "/start@toolbox_test_bot")
    replies = await crew.wait_for_reply()
    assert "private" in texts(replies)
    button = replies[-1].reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert button["url"] == "https://t.me/toolbox_test_bot?start=start"
    assert "trade" not in texts(replies).lower()


async def test_recommend_and_profile_in_a_group_link_to_private(harness: Harness) -> None:
    worker = harness.emulator.user(4006, "Jo", language_code="en")
    crew = harness.emulator.group(-4007, "Crew chat")
    await crew.add_member(worker)
    for command in ("/recommend@toolbox_test_bot", "/profile@toolbox_test_bot"):
        await crew.send(worker, command)
        replies = await crew.wait_for_reply()
        assert "private" in texts(replies), command


async def test_profile_changes_one_answer_on_its_own(harness: Harness) -> None:
    worker = harness.emulator.user(4008, "Kai", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Welder"))
    profile = await reply_to(worker, worker.send("/profile"))
    assert "Welder" in texts(profile)
    asked = await reply_to(worker, worker.press("Budget"))
    assert "How much can you spend" in texts(asked)
    back = await reply_to(worker, worker.press("Free only"))
    assert "Your profile" in texts(back) and "Free only" in texts(back)


async def test_language_can_be_changed(harness: Harness) -> None:
    worker = harness.emulator.user(4009, "Lu", language_code="en")
    await reply_to(worker, worker.send("/language"))
    replies = await reply_to(worker, worker.press("Español"))
    assert "español" in texts(replies)
    replies = await reply_to(worker, worker.send("/help"))
    assert "/find" in texts(replies) and "busca" in texts(replies).lower()


async def test_deep_link_from_the_group_opens_what_was_asked(harness: Harness) -> None:
    worker = harness.emulator.user(4010, "Mia", language_code="en")
    replies = await reply_to(worker, worker.start("profile"))
    assert "Your profile" in texts(replies)
    replies = await reply_to(worker, worker.start("start"))
    assert "What's your trade?" in texts(replies)
