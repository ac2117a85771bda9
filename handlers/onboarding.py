"""Onboarding: `/start` in a private chat → three credentials worth the worker's time.

The questions, in order, are `handlers.questions.QUESTIONS`; this module only walks them.
Ten taps at most for a worker who only taps; every question has Back and Skip, and typing
works wherever a button does. Each answer is saved as soon as it is given and the
conversation state is persisted, so walking away or a restart loses nothing. `/profile`
asks any single question again through the same conversation (`EDITING`).

Try it: `make demo`, then `/start`.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import Flow, for_action, for_flow
from bot.i18n import N_
from bot.intents import Intent, read_intent
from bot.runtime import ToolboxContext
from bot.services import profiles
from handlers import badges, privacy, profile, questions, recommend, verify
from handlers.chat import Button, Turn, begin_turn, escape, private_only
from handlers.help import send_help
from handlers.question import Answer, Asking, Offer, Question, Value
from handlers.understanding import understand

FLOW = Flow.ONBOARDING
BACK, SKIP, DONE = "_back", "_skip", "_done"
EDITING = "ob_edit"  # user_data flag: answering one question from /profile
STEP_KEY = "ob_step"  # user_data: the question on screen, for answers that carry no state
PREFILLED = "ob_prefilled"  # user_data: questions a sentence already answered: not asked
LISTS = {"holds", "dismissed"}  # ProfileView fields read by a statement of their own
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
NOT_TEXT = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.COMMAND


def _on_screen(context: ToolboxContext) -> Question:
    """The question the worker is looking at (the first one when none is yet)."""
    return questions.named(context.user_data.get(STEP_KEY)) or questions.QUESTIONS[0]


async def _asking(turn: Turn, session: AsyncSession | None = None) -> Asking:
    """The worker's answers, read once per update (`turn.profile`). With `session` (an
    answer's transaction) the user and profile rows are read into it even when already
    known, so the answer's writes and the read-back after them need no statement of their
    own; the held and dismissed lists read earlier in this update are kept."""
    services = turn.context.services
    if session is not None:
        turn.profile = await profiles.load_profile(session, turn.user_id, turn.profile)
    elif turn.profile is None:
        async with services.sessions() as reading:
            turn.profile = await profiles.load_profile(reading, turn.user_id)
    return Asking(turn.t, services.catalog, turn.profile)


def _nav(turn: Turn, question: Question) -> list[Button]:
    row: list[Button] = []
    if question is not questions.QUESTIONS[0] or turn.context.user_data.get(EDITING):
        row.append((turn.t("◀ Back"), FLOW, question.name, BACK))
    if question.many:
        row.append((turn.t("✔ Done"), FLOW, question.name, DONE))
    else:
        row.append((turn.t("Skip ▶"), FLOW, question.name, SKIP))
    return row


async def ask(turn: Turn, question: Question, note: str = "", *, edit: bool = True) -> str:
    """Show `question` (under `note`) and return it as the conversation state."""
    asking = await _asking(turn)
    rows: list[list[Button]] = [
        [(label, FLOW, question.name, value) for label, value in row]
        for row in question.choices(asking)
    ]
    rows.append(_nav(turn, question))
    turn.context.user_data[STEP_KEY] = question.name
    text = question.ask(asking)
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows), edit=edit)
    return question.name


async def _offer(turn: Turn, question: Question, offer: Offer) -> str:
    if not offer.choices:
        return await ask(turn, question, offer.text, edit=False)
    rows: list[list[Button]] = [
        [(label, FLOW, question.name, value)] for label, value in offer.choices
    ]
    if offer.with_nav:
        rows.append(_nav(turn, question))
    turn.context.user_data[STEP_KEY] = question.name
    await turn.say(offer.text, turn.keyboard(rows), edit=False)
    return question.name


async def _move(turn: Turn, question: Question, step: int, note: str = "") -> str | int:
    """After an answer: back to /profile when editing one field, else the next question."""
    if turn.context.user_data.pop(EDITING, False):
        turn.context.user_data.pop(STEP_KEY, None)
        await profile.show(turn, note=note)
        return ConversationHandler.END
    asked = questions.QUESTIONS
    prefilled = turn.context.user_data.get(PREFILLED, [])
    index = asked.index(question) + step
    while step > 0 and index < len(asked) and asked[index].name in prefilled:
        index += 1
    if index >= len(asked):
        return await finish(turn)
    return await ask(turn, asked[max(index, 0)], note)


def _answer_of(turn: Turn, session: AsyncSession, value: Value, asking: Asking) -> Answer:
    services = turn.context.services
    default_tz = services.settings.default_timezone
    return Answer(session, services.clock, turn.user_id, value, asking, default_tz)


async def _answer(
    turn: Turn, question: Question, value: Value, also: dict[Question, Value] | None = None
) -> str | int:
    """Store one answer (a pressed button, or typed text understood), and what else the
    same sentence answered (`also`), in one transaction; then move on."""
    if value == BACK:
        return await _move(turn, question, -1)
    if value in (SKIP, DONE):
        return await _move(turn, question, +1)
    services = turn.context.services
    notes: list[str] = []
    async with services.sessions.begin() as session:
        asking = await _asking(turn, session)
        saved = await question.save(_answer_of(turn, session, value, asking))
        for other, other_value in (also or {}).items() if saved else ():
            extra = await other.save(_answer_of(turn, session, other_value, asking))
            if extra is not None:
                notes.append(extra.note.removeprefix("✓ "))
                turn.context.user_data.setdefault(PREFILLED, []).append(other.name)
        # The answers as saved, for the next question: read in this transaction, where the
        # rows just written are already in the session (one read less than a new session);
        # the held and dismissed lists are read again only when an answer was about them.
        touched = {question.field, *(other.field for other in also or ())}
        unchanged = None if touched & LISTS else asking.view
        turn.profile = await profiles.load_profile(session, turn.user_id, unchanged)
    if saved is None:
        return await ask(turn, question, turn.t("That button is no longer valid."), edit=False)
    note = " · ".join([saved.note, *notes]) if notes else saved.note
    if notes:
        note += "\n" + turn.t("Not right? /profile changes any answer.")
    if saved.stay:
        return await ask(turn, question, note)
    return await _move(turn, question, +1, note)


async def _also_answered(turn: Turn, question: Question, text: str) -> dict[Question, Value]:
    """Other questions the typed sentence answers, that have no answer yet."""
    if not question.sentences or turn.context.user_data.get(EDITING):
        return {}
    asking = await _asking(turn)
    found = understand(text, asking)
    return {
        other: found[other.name]
        for other in questions.QUESTIONS
        if other is not question and other.name in found and not other.answered(asking.view)
    }


async def keep_answers(turn: Turn, text: str) -> str:
    """Outside the conversation ("soy soldador"): store what the sentence answers, in one
    transaction, and return the line that confirms it."""
    asking = await _asking(turn)
    found = understand(text, asking)
    services = turn.context.services
    notes: list[str] = []
    async with services.sessions.begin() as session:
        for question in questions.QUESTIONS:
            if question.name in found:
                answer = _answer_of(turn, session, found[question.name], asking)
                if (saved := await question.save(answer)) is not None:
                    notes.append(saved.note.removeprefix("✓ "))
    turn.profile = None  # written: read again if needed
    return "✓ " + " · ".join(notes) if notes else ""


async def finish(turn: Turn) -> int:
    services = turn.context.services
    async with services.sessions.begin() as session:
        await profiles.complete_profile(
            session, services.clock, turn.user_id, default_tz=services.settings.default_timezone
        )
    turn.profile = None
    turn.context.user_data.pop(STEP_KEY, None)
    turn.context.user_data.pop(PREFILLED, None)
    header = turn.t("All set! Here are three credentials worth your time:")
    await recommend.show(turn, header=header)
    return ConversationHandler.END


# ---------------------------------------------------------------- what the worker did


async def button_pressed(update: Update, context: ToolboxContext) -> str | int | None:
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return None
    on_screen = _on_screen(context)
    if data.action != on_screen.name:
        # A button from an earlier question: say so and show where we are.
        note = turn.t("That button was from an earlier question.")
        return await ask(turn, on_screen, note, edit=False)
    return await _answer(turn, on_screen, data.arg)


# Asked something else mid-question ("help", "who can see my answers?", "hi"): answer
# it, then ask the question again, instead of "didn't catch that" or keeping it as goals.
async def _say_nothing(turn: Turn) -> None:
    return None


ASIDES: dict[Intent, Callable[[Turn], Awaitable[None]]] = {
    Intent.HELP: send_help,
    Intent.PRIVACY: privacy.show_privacy,
    Intent.GREETING: _say_nothing,
    Intent.THANKS: _say_nothing,
}


async def text_typed(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    question = _on_screen(context)
    text = (update.effective_message.text or "") if update.effective_message else ""
    if (aside := ASIDES.get(read_intent(text))) is not None:  # before "help" reads "helper"
        await aside(turn)
        return await ask(turn, question, edit=False)
    reading = question.read(text, await _asking(turn))
    if isinstance(reading, Offer):
        return await _offer(turn, question, reading)
    if reading is None and question.otherwise is not None:
        # Kept in the worker's own words; that question is then answered already.
        other = question.otherwise
        if (kept := other.read(text, await _asking(turn))) is not None:
            turn.context.user_data.setdefault(PREFILLED, []).append(other.name)
            return await _answer(turn, other, kept)
    if reading is None:
        note = turn.t("Sorry, I didn't catch that. Tap a button, or try typing it another way.")
        return await ask(turn, question, note, edit=False)
    return await _answer(turn, question, reading, await _also_answered(turn, question, text))


async def not_text(update: Update, context: ToolboxContext) -> str | None:
    """Stickers, photos, voice notes mid-flow: kindly ask the same question again."""
    turn = await begin_turn(update, context)
    question = questions.named(context.user_data.get(STEP_KEY))
    note = turn.t("I can only read text and button taps.")
    if question is not None:
        return await ask(turn, question, note, edit=False)
    await turn.say(note, edit=False)
    return None


# ---------------------------------------------------------------- entry ------------


async def start(update: Update, context: ToolboxContext) -> str | int:
    """`/start` (or the deep link from a group): begin, or offer to redo a finished profile."""
    turn = await begin_turn(update, context)
    context.user_data.pop(EDITING, None)
    # Deep links from a group ("?start=profile") land here: finish what was asked there.
    payload = (context.args or [""])[0]
    if payload.startswith("verify-"):  # the link printed on a badge card
        await verify.show(turn, payload.removeprefix("verify-"))
        return ConversationHandler.END
    if payload == "badges":  # from /badges in a group, or the inline "Open my badges"
        await badges.show_wall(turn)
        return ConversationHandler.END
    if payload == "profile":
        await profile.show(turn)
        return ConversationHandler.END
    view = (await _asking(turn)).view
    if payload == "recommend" and view.completed:
        await recommend.show(turn)
        return ConversationHandler.END
    name = escape(update.effective_user.first_name if update.effective_user else "")
    if view.completed:
        rows: list[list[Button]] = [
            [(turn.t("Redo my profile"), FLOW, "redo", "")],
            [(turn.t("Keep it, show my picks"), FLOW, "keep", "")],
        ]
        await turn.say(
            turn.t("Welcome back, {name}! Your profile is saved.", name=name),
            turn.keyboard(rows),
            edit=False,
        )
        return ConversationHandler.END
    greeting = turn.t(
        "Hi {name}! I'm Toolbox. I find short certifications that prove your skills "
        "and pay off, and help you earn them. A few quick taps and I'll show you the best "
        "three.",
        name=name,
    )
    # Picking up where the worker left off (after /cancel, or days later), or at the first
    # question nothing answered yet ("soy soldador" before /start).
    current = questions.named(context.user_data.get(STEP_KEY)) or next(
        (q for q in questions.QUESTIONS if not q.answered(view)), questions.QUESTIONS[0]
    )
    return await ask(turn, current, greeting, edit=False)


async def start_in_group(update: Update, context: ToolboxContext) -> None:
    """Personal questions are never asked in front of the crew: point to the private chat."""
    await private_only(await begin_turn(update, context), "start")


async def restart_chosen(update: Update, context: ToolboxContext) -> str | int | None:
    """Buttons from the welcome-back message and /profile's "change" buttons."""
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return None
    services = context.services
    if data.action == "redo":
        async with services.sessions.begin() as session:
            await profiles.reset_profile(session, services.clock, turn.user_id)
        turn.profile = None
        context.user_data.pop(EDITING, None)
        context.user_data.pop(PREFILLED, None)
        return await ask(turn, questions.QUESTIONS[0])
    if data.action == "keep":
        await recommend.show(turn, edit=True)
        return ConversationHandler.END
    if data.action == "edit" and (question := questions.named(data.arg)):
        context.user_data[EDITING] = True
        return await ask(turn, question)
    await turn.say(turn.t("That button is no longer valid."), edit=False)
    return ConversationHandler.END


async def cancel(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    context.user_data.pop(EDITING, None)
    await turn.say(
        turn.t("Okay, stopped. Your answers so far are saved; /start picks up again."), edit=False
    )
    return ConversationHandler.END


def build() -> ConversationHandler:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    entry_buttons = CallbackQueryHandler(
        restart_chosen, pattern=for_action(FLOW, "redo", "keep", "edit")
    )
    on_question = [
        CallbackQueryHandler(button_pressed, pattern=for_flow(FLOW)),
        MessageHandler(TEXT, text_typed),
        MessageHandler(NOT_TEXT, not_text),
    ]
    with warnings.catch_warnings():
        # per_message=False on purpose: state is per user, whichever message was tapped.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            name="onboarding",
            persistent=True,
            entry_points=[CommandHandler("start", start, filters=private), entry_buttons],
            states={question.name: on_question for question in questions.QUESTIONS},
            fallbacks=[
                CommandHandler("cancel", cancel),
                CommandHandler("start", start, filters=private),
                entry_buttons,
            ],
            allow_reentry=True,
        )


ORDER = 10  # among the flows: see handlers/__init__.py
MENU = (("start", N_("Set up or redo your profile")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("start", start_in_group, filters=filters.ChatType.GROUPS),
        build(),
    ]
