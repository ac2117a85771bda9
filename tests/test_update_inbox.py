"""The update inbox: an update Telegram sends is stored before it is confirmed, one that
cannot be read is set aside (and listed by `python -m bot inbox`) while the others are
answered, and the command menu is registered at every start."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import InboxUpdate
from bot.inbox import DONE, SET_ASIDE
from bot.inbox_intake import _cancel_until_done
from tests.conftest import Harness
from tests.story import texts

# A poll as an older self-hosted Bot API server sends it: python-telegram-bot 22.8 cannot
# build a Poll from it (no allows_revoting / persistent_id).
OLD_POLL = {
    "id": "5551",
    "question": "Lunch?",
    "options": [{"text": "Tacos", "voter_count": 1}],
    "total_voter_count": 1,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
}


async def inbox_rows(harness: Harness) -> dict[int, InboxUpdate]:
    async with harness.services.sessions() as session:
        return {r.update_id: r for r in await session.scalars(select(InboxUpdate))}


async def test_an_unreadable_update_mid_batch_is_set_aside_and_the_rest_answered(
    harness: Harness, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = harness.emulator
    workers = [emulator.user(7301 + i, f"W{i}", language_code="en") for i in range(4)]
    # Queued together, so they arrive in one getUpdates batch with the poll in the middle.
    before = [await w.send("/help") for w in workers[:2]]
    poison = emulator.state.enqueue("poll", OLD_POLL)
    after = [await w.send("/help") for w in workers[2:]]
    for worker in workers:
        assert "/find" in texts(await worker.wait_for_reply(timeout=10))

    rows = await inbox_rows(harness)
    assert rows[poison["update_id"]].status == SET_ASIDE
    assert "cannot be read" in (rows[poison["update_id"]].error or "")
    for update in before + after:
        assert rows[update["update_id"]].status == DONE
    # Not refetched: once past the batch the bot long-polls with an offset beyond it.
    polls = emulator.calls_to("getUpdates")
    assert polls[-1].params.get("offset", 0) > poison["update_id"]

    # The bot goes on answering, and the operator can list what was set aside.
    assert "/find" in texts(await _reply(workers[0], "/help"))
    monkeypatch.setenv("DATABASE_URL", harness.settings.database_url)
    assert await asyncio.to_thread(main, ["inbox"]) == 0
    listed = capsys.readouterr().out
    assert f"update {poison['update_id']} " in listed and "Lunch?" in listed


async def test_updates_are_stored_before_they_are_confirmed(harness: Harness) -> None:
    emulator = harness.emulator
    worker = emulator.user(7310, "Ida", language_code="en")
    sent = await worker.send("/help")
    await worker.wait_for_reply(timeout=10)
    rows = await inbox_rows(harness)
    assert rows[sent["update_id"]].status == DONE
    assert rows[sent["update_id"]].payload["message"]["text"] == "/help"
    # The getUpdates that confirmed it came after it was stored and marked done.
    confirming = [
        c
        for c in emulator.calls_to("getUpdates")
        if c.params.get("offset") == sent["update_id"] + 1
    ]
    assert confirming


async def test_a_restart_finishes_what_a_crash_left_and_redoes_nothing_done(
    harness: Harness,
) -> None:
    emulator = harness.emulator
    worker = emulator.user(7320, "Ned", language_code="en")
    for _ in range(2):
        await worker.send("/help")
        await worker.wait_for_reply(timeout=10)
    # As if the process died after storing the second update but before handling it: its
    # row is pending, and Telegram already considers it delivered.
    await harness.stop()
    engine = make_engine(harness.settings.database_url)
    async with make_sessionmaker(engine).begin() as session:
        row = await session.get(InboxUpdate, emulator.updates[-1]["update_id"])
        assert row is not None and row.status == DONE
        row.status = "pending"
    await engine.dispose()

    await harness.start()
    assert "/find" in texts(await worker.wait_for_reply(timeout=10))
    await asyncio.sleep(0.3)
    assert len(emulator.calls_to("sendMessage")) == 3  # two answers, and the one redone
    assert {r.status for r in (await inbox_rows(harness)).values()} == {DONE}


async def test_the_command_menu_is_registered_at_every_start_in_every_language(
    harness: Harness,
) -> None:
    menus = {c.params.get("language_code") for c in harness.emulator.calls_to("setMyCommands")}
    assert menus == {None, "es"}
    await harness.restart()
    assert len(harness.emulator.calls_to("setMyCommands")) == 4
    assert harness.emulator.state.commands  # what Telegram would show


async def _reply(worker, text: str):  # type: ignore[no-untyped-def]
    await worker.send(text)
    return await worker.wait_for_reply(timeout=10)


async def test_one_chats_updates_are_answered_in_order_while_chats_run_together(
    harness: Harness,
) -> None:
    emulator = harness.emulator
    first, second = (emulator.user(7330 + i, f"O{i}", language_code="en") for i in range(2))
    queries = ("/find osha 10", "/find epa 608", "/find nfpa 70e")
    for query in queries:  # queued back to back, before any answer
        await first.send(query)
        await second.send(query)
    for worker in (first, second):
        await worker.wait_for_reply(timeout=10)
        await asyncio.sleep(0.3)
        shown = [m.text for m in worker.messages]
        assert len(shown) == 3, shown
        for text, marker in zip(shown, ("OSHA 10", "608", "70E"), strict=True):
            assert marker in text, shown


async def test_stopping_the_poller_survives_a_lost_cancellation() -> None:
    # A library on the way may swallow a cancellation; the poller then runs on and a stop
    # that cancelled once waited forever.
    polls = 0

    async def poller() -> None:
        nonlocal polls
        swallowed = False
        while True:
            polls += 1
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed = True  # the first one is lost

    task = asyncio.create_task(poller())
    await asyncio.sleep(0.01)
    await asyncio.wait_for(_cancel_until_done(task), 5)
    assert task.cancelled() and polls >= 2
