"""The shape holds: a question is one declaration, and every button routes somewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.callbacks import Flow
from handlers import fallbacks, menu, questions
from handlers.question import Answer, Question, Saved
from tests.conftest import Harness
from tests.story import cards, labels, reply_to, texts

DRIVES = (("yes", "Yes"), ("no", "No"))


async def _save_drives(answer: Answer) -> Saved | None:
    if answer.value not in {"yes", "no"}:
        return None
    from bot.services import profiles

    await profiles.update_profile(
        answer.session, answer.clock, answer.user_id, about=f"drives: {answer.value}"
    )
    return Saved("✓ " + str(answer.value))


# A throwaway question, declared the way every real one is: nothing else changes.
TRUCK = Question(
    name="truck",
    field="about",
    label="Own truck",
    ask=lambda a: "Do you have your own truck?",
    choices=lambda a: [[(label, value) for value, label in DRIVES]],
    read=lambda text, a: "yes" if text.lower().startswith("y") else None,
    save=_save_drives,
    shows=lambda view, a: (view.about or "").removeprefix("drives: ") or "not set",
)


async def test_a_new_question_is_one_declaration(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = questions.QUESTIONS
    monkeypatch.setattr(questions, "QUESTIONS", (asked[0], TRUCK, *asked[1:]))
    await harness.restart()  # the conversation is built from the list at start
    worker = harness.emulator.user(7001, "Tess", language_code="en")
    await reply_to(worker, worker.send("/start"))
    replies = await reply_to(worker, worker.press("Electrician"))
    assert "Do you have your own truck?" in texts(replies)
    replies = await reply_to(worker, worker.send("yep"))
    assert "✓ yes" in texts(replies) and "Where are you in your trade?" in texts(replies)
    profile = await reply_to(worker, worker.send("/profile"))
    assert "• Own truck: yes" in texts(profile)
    asked_again = await reply_to(worker, worker.press("Own truck"))
    assert "Do you have your own truck?" in texts(asked_again)
    back = await reply_to(worker, worker.press("No"))
    assert "• Own truck: no" in texts(back)


def _routes(handler: BaseHandler) -> Iterator[CallbackQueryHandler]:  # type: ignore[type-arg]
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        inner += [h for state in handler.states.values() for h in state]
        for h in inner:
            yield from _routes(h)
    elif isinstance(handler, CallbackQueryHandler) and handler.callback is not (
        fallbacks.stray_button
    ):
        yield handler


def _routed(harness: Harness, data: str) -> bool:
    assert harness.running is not None
    handlers = [
        route
        for group in harness.running.application.handlers.values()
        for handler in group
        for route in _routes(handler)
    ]
    return any(callable(h.pattern) and h.pattern(data) for h in handlers)


async def test_every_button_the_bot_shows_routes_to_a_handler(harness: Harness) -> None:
    """Walk the screens a worker sees, then check each button any of them carried."""
    worker = harness.emulator.user(7002, "Rui", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.send("service technician"))  # "Did you mean…?"
    await reply_to(worker, worker.press("None of these"))
    await reply_to(worker, worker.press("HVAC/R technician"))
    for tap in ("Apprentice", "First job", "✔ Done", "Skip ▶"):
        await reply_to(worker, worker.press(tap))
    offered = await reply_to(worker, worker.send("osha 10"))  # numbered matches
    await reply_to(worker, worker.press(labels(offered)[0]))
    replies = await reply_to(worker, worker.press("✔ Done"))
    for tap in ("3–5 h", "No limit", "Either", "🇺🇸 USA"):
        replies = await reply_to(worker, worker.press(tap))
    shown = cards(replies)
    assert len(shown) == 3, texts(replies)
    await reply_to(worker, worker.press("Details", message=shown[0]))
    await reply_to(worker, worker.press("More like this", message=shown[-1]))
    await reply_to(worker, worker.send("/start"))  # welcome back: redo or keep
    await reply_to(worker, worker.send("/profile"))
    await reply_to(worker, worker.send("/language"))
    await reply_to(worker, worker.send("/find welding"))
    await reply_to(worker, worker.press("Start a plan", message=shown[1]))

    seen = {
        button["callback_data"]
        for message in worker.history
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    }
    flows = {data.split("|")[1] for data in seen}
    assert {Flow.ONBOARDING, Flow.RECOMMEND, Flow.PLAN, Flow.LANGUAGE} <= flows
    assert len(seen) > 40
    unrouted = sorted(data for data in seen if not _routed(harness, data))
    assert not unrouted, unrouted


def _commands_of(handler: BaseHandler) -> set[str]:  # type: ignore[type-arg]
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        inner += [h for state in handler.states.values() for h in state]
        return {c for h in inner for c in _commands_of(h)}
    return set(getattr(handler, "commands", ()))


def test_each_command_lives_in_the_module_that_lists_it_and_the_readme_says_where() -> None:
    """One hop from a command to its code: the module whose MENU names a command is the
    one that handles it, every handled command is in a menu, and the README names it."""
    from handlers import flows

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    handled_anywhere: set[str] = set()
    for module in flows():
        handled = {c for h in module.handlers() for c in _commands_of(h)}
        listed = {command for command, _ in getattr(module, "MENU", ())}
        unlisted = set(getattr(module, "UNLISTED", ()))
        assert listed <= handled, (module.__name__, listed - handled)
        # /cancel is the one command every conversation also answers.
        foreign = handled - listed - unlisted - {"cancel", "start"}
        assert not foreign, (module.__name__, foreign)
        handled_anywhere |= handled
        for command in listed | unlisted:
            assert f"`/{command}" in readme, command
        handled_anywhere -= unlisted
    assert {command for command, _ in menu()} == handled_anywhere
