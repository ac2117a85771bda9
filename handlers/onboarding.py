"""Onboarding: `/start` in a private chat → three credentials worth the worker's time.

Trade → experience → goals → (in their words) what they want to do → what they hold →
hours a week → budget → online or not → region → recommendations. Ten taps at most for a
worker who only taps; every step has Back and Skip, and typing works wherever a button
does. Each answer is saved to the profile as soon as it is given, and the conversation
state is persisted, so walking away or a restart loses nothing.

Try it: `make demo`, then `/start`.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import (
    Flow,
    credential_code,
    credential_from_code,
    for_action,
    for_flow,
)
from bot.runtime import ToolboxContext
from bot.services import profiles
from bot.services.timezones import timezone_for_region
from catalog import normalize_region, normalize_trade, suggest_credentials
from handlers import account, recommendations
from handlers.chat import Button, Turn, begin_turn, escape, shorten
from handlers.choices import (
    BUDGET,
    COMMON_TRADES,
    DELIVERY,
    EXPERIENCE,
    GOALS,
    HOURS,
    REGIONS,
    label_for,
    match_choice,
    match_goals,
    parse_number,
    place_name,
    trade_name,
)

FLOW = Flow.ONBOARDING
# Conversation states: named after the question being asked (strings persist as JSON).
TRADE, EXPERIENCE_Q, GOALS_Q, ABOUT, HOLDS, HOURS_Q, BUDGET_Q, DELIVERY_Q, REGION = (
    "trade",
    "exp",
    "goals",
    "about",
    "holds",
    "hours",
    "budget",
    "deliv",
    "region",
)
STEPS = (TRADE, EXPERIENCE_Q, GOALS_Q, ABOUT, HOLDS, HOURS_Q, BUDGET_Q, DELIVERY_Q, REGION)
BACK, SKIP, DONE, NONE = "_back", "_skip", "_done", "_none"
REMOVE = "-"  # prefix of a held credential's code on its "✖" button
ABOUT_LIMIT = 300
EDITING = "ob_edit"  # user_data flag: answering one question from /profile
STEP_KEY = "ob_step"  # user_data: the question on screen, for answers that carry no state


# ---------------------------------------------------------------- asking -----------


def _nav(turn: Turn, step: str, done: bool = False) -> list[Button]:
    row: list[Button] = []
    if STEPS.index(step) > 0 or turn.context.user_data.get(EDITING):
        row.append((turn.t("◀ Back"), FLOW, step, BACK))
    row.append((turn.t("✔ Done") if done else turn.t("Skip ▶"), FLOW, step, DONE if done else SKIP))
    return row


async def ask(turn: Turn, step: str, note: str = "", *, edit: bool = True) -> str:
    """Show the question for `step` and return it as the conversation state."""
    t = turn.t
    services = turn.context.services
    catalog = services.catalog
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    rows: list[list[Button]] = []
    if step == TRADE:
        text = t(
            "What's your trade? Tap one, or type it in your own words "
            '("sparky", "plomero", "pipe fitter"...).'
        )
        names = [
            (trade_name(catalog, tid, t), tid) for tid in COMMON_TRADES if tid in catalog.trades
        ]
        rows = [
            [(n, FLOW, step, tid) for n, tid in names[i : i + 2]] for i in range(0, len(names), 2)
        ]
    elif step == EXPERIENCE_Q:
        text = t("Where are you in your trade?")
        rows = [[(t(label), FLOW, step, key)] for key, label, _ in EXPERIENCE]
    elif step == GOALS_Q:
        text = t("What do you want next? Tap all that apply, then Done.")
        rows = [
            [(("✅ " if key in view.goals else "") + t(label), FLOW, step, key)]
            for key, label, _ in GOALS
        ]
    elif step == ABOUT:
        text = t(
            "In your own words, what do you want to be able to do? "
            'For example: "buy refrigerant", "work on solar", "run a crane". '
            "Or tap Skip."
        )
    elif step == HOLDS:
        held = [c for c in view.holds if c in catalog.credentials][:6]
        text = t(
            'Do you already hold any credentials? Type a name ("OSHA 10", "608") '
            "and tap the match, or tap Done."
        )
        if held:
            text += (
                "\n"
                + t("You hold:")
                + "\n"
                + "\n".join(
                    f"{n}. {escape(catalog.credentials[c].name)}" for n, c in enumerate(held, 1)
                )
            )
            # One button per held credential to take it off again (a mistaken tap).
            rows = [
                [(f"✖ {n}. {catalog.credentials[c].name}", FLOW, step, REMOVE + credential_code(c))]
                for n, c in enumerate(held, 1)
            ]
    elif step == HOURS_Q:
        text = t("How many hours a week can you study?")
        rows = [[(label, FLOW, step, value) for value, label in HOURS]]
    elif step == BUDGET_Q:
        text = t("How much can you spend on a credential?")
        rows = [
            [(t(label), FLOW, step, value) for value, label in BUDGET[:2]],
            [(t(label), FLOW, step, value) for value, label in BUDGET[2:]],
        ]
    elif step == DELIVERY_Q:
        text = t("Online, in person, or either?")
        rows = [[(t(label), FLOW, step, key) for key, label, _ in DELIVERY]]
    else:
        text = t(
            "Where do you work? Tap a country, or type your state or province "
            '("Texas", "Ontario") for local licenses.'
        )
        rows = [[(t(label), FLOW, step, code) for code, label in REGIONS]]
    rows.append(_nav(turn, step, done=step in (GOALS_Q, HOLDS)))
    turn.context.user_data[STEP_KEY] = step
    body = f"{note}\n\n{text}" if note else text
    await turn.say(body, turn.keyboard(rows), edit=edit)
    return step


async def _next(turn: Turn, step: str, note: str = "") -> str | int:
    """After an answer: back to /profile when editing one field, else the next question."""
    if turn.context.user_data.pop(EDITING, False):
        turn.context.user_data.pop(STEP_KEY, None)
        await account.show_profile(turn, note=note)
        return ConversationHandler.END
    index = STEPS.index(step) + 1
    if index < len(STEPS):
        return await ask(turn, STEPS[index], note)
    return await finish(turn)


async def _previous(turn: Turn, step: str) -> str | int:
    if turn.context.user_data.pop(EDITING, False):
        turn.context.user_data.pop(STEP_KEY, None)
        await account.show_profile(turn)
        return ConversationHandler.END
    return await ask(turn, STEPS[max(STEPS.index(step) - 1, 0)])


async def finish(turn: Turn) -> int:
    services = turn.context.services
    async with services.sessions.begin() as session:
        view = await profiles.load_profile(session, turn.user_id)
        if view.timezone is None:
            await profiles.set_timezone(
                session,
                services.clock,
                turn.user_id,
                timezone_for_region(view.region),
                default_tz=services.settings.default_timezone,
            )
        await profiles.complete_profile(session, services.clock, turn.user_id)
    turn.context.user_data.pop(STEP_KEY, None)
    await turn.say(turn.t("All set! Here are three credentials worth your time:"))
    await recommendations.show(turn)
    return ConversationHandler.END


async def _save(turn: Turn, **fields: object) -> None:
    services = turn.context.services
    async with services.sessions.begin() as session:
        await profiles.update_profile(session, services.clock, turn.user_id, **fields)


# ---------------------------------------------------------------- answers ----------


async def _answer(turn: Turn, step: str, value: str) -> str | int:
    """Apply one answer (from a button or typed and understood) to the profile."""
    t = turn.t
    catalog = turn.context.services.catalog
    if value == BACK:
        return await _previous(turn, step)
    if value in (SKIP, DONE):
        return await _next(turn, step)
    if step == TRADE:
        if value == NONE:
            return await ask(turn, TRADE, t("No problem, type it another way."))
        if value not in catalog.trades:
            return await ask(turn, TRADE, t("That button has expired."))
        await _save(turn, trade=value)
        return await _next(turn, step, "✓ " + escape(trade_name(catalog, value, t)))
    if step == EXPERIENCE_Q:
        await _save(turn, experience=value)
        return await _next(turn, step, "✓ " + label_for(EXPERIENCE, value, t))
    if step == GOALS_Q:
        async with turn.context.services.sessions() as session:
            goals = list((await profiles.load_profile(session, turn.user_id)).goals)
        goals = [g for g in goals if g != value] if value in goals else [*goals, value]
        await _save(turn, goals=goals)
        return await ask(turn, GOALS_Q)
    if step == HOLDS:
        removing = value.startswith(REMOVE)
        code = value.removeprefix(REMOVE)
        credential_id = credential_from_code(code, frozenset(catalog.credentials))
        if credential_id is None:
            return await ask(turn, HOLDS, t("That button has expired."))
        services = turn.context.services
        async with services.sessions.begin() as session:
            if removing:
                await profiles.remove_held(session, turn.user_id, credential_id)
            else:
                await profiles.add_held(session, services.clock, turn.user_id, credential_id)
        if removing:
            return await ask(turn, HOLDS)
        return await ask(
            turn,
            HOLDS,
            "✓ "
            + escape(catalog.credentials[credential_id].name)
            + "\n"
            + t("Type another, or tap Done."),
        )
    if step == HOURS_Q:
        await _save(turn, weekly_hours=int(value))
        return await _next(turn, step, "✓ " + t("{hours} h a week", hours=value))
    if step == BUDGET_Q:
        budget = int(value)
        await _save(turn, budget_usd=None if budget < 0 else budget)
        note = t("No limit") if budget < 0 else t("Up to ${amount}", amount=f"{budget:,}")
        return await _next(turn, step, "✓ " + note)
    if step == DELIVERY_Q:
        await _save(turn, delivery=value)
        return await _next(turn, step, "✓ " + label_for(DELIVERY, value, t))
    # REGION: a region with one clear timezone also sets it (a worker who moved).
    services = turn.context.services
    async with services.sessions.begin() as session:
        await profiles.update_profile(session, services.clock, turn.user_id, region=value)
        zone = timezone_for_region(value)
        if zone:
            await profiles.set_timezone(
                session,
                services.clock,
                turn.user_id,
                zone,
                default_tz=services.settings.default_timezone,
            )
    return await _next(turn, step, "✓ " + escape(place_name(value, t)))


_VALID = {
    TRADE: None,  # checked against the catalog in _answer
    EXPERIENCE_Q: {k for k, _, _ in EXPERIENCE},
    GOALS_Q: {k for k, _, _ in GOALS},
    ABOUT: set(),
    HOLDS: None,
    HOURS_Q: {str(v) for v, _ in HOURS},
    BUDGET_Q: {str(v) for v, _ in BUDGET},
    DELIVERY_Q: {k for k, _, _ in DELIVERY},
    REGION: {code for code, _ in REGIONS},
}


async def button_pressed(step: str, update: Update, context: ToolboxContext) -> str | int | None:
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return None
    if data.action != step:
        # A button from an earlier question: say so and show where we are.
        return await ask(
            turn, step, turn.t("That button was from an earlier question."), edit=False
        )
    allowed = _VALID[step]
    if data.arg not in (BACK, SKIP, DONE, NONE) and allowed is not None and data.arg not in allowed:
        return await ask(turn, step, turn.t("That button is no longer valid."), edit=False)
    return await _answer(turn, step, data.arg)


async def text_typed(step: str, update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    t = turn.t
    text = (update.effective_message.text or "") if update.effective_message else ""
    catalog = context.services.catalog
    value: str | None = None
    if step == TRADE:
        match = normalize_trade(text, catalog=catalog)
        if match.trade is not None:
            value = match.trade.id
        elif match.candidates:
            rows = [
                [(trade_name(catalog, c.id, t), FLOW, TRADE, c.id)] for c, _ in match.candidates[:4]
            ]
            rows.append([(t("None of these"), FLOW, TRADE, NONE)])
            context.user_data[STEP_KEY] = TRADE
            await turn.say(t("Did you mean…?"), turn.keyboard(rows), edit=False)
            return TRADE
    elif step == EXPERIENCE_Q:
        value = match_choice(text, EXPERIENCE, t)
    elif step == GOALS_Q:
        goals = match_goals(text, t)
        if goals:
            await _save(turn, goals=goals)
            return await _next(
                turn, step, "✓ " + ", ".join(t(lbl) for k, lbl, _ in GOALS if k in goals)
            )
    elif step == ABOUT:
        about = " ".join(text.split())[:ABOUT_LIMIT]
        if about:
            await _save(turn, about=about)
            return await _next(turn, step, "✓ " + escape(shorten(about, 80)))
    elif step == HOLDS:
        hits = suggest_credentials(text[:200], limit=5, catalog=catalog)
        if hits:
            # Official names are long and alike ("EPA Section 608 ... - Type I"): the full
            # names go in the text, numbered, and each button starts with its number.
            names = [hit.credential.name for hit in hits]
            listing = "\n".join(f"{n}. {escape(name)}" for n, name in enumerate(names, 1))
            rows = [
                [(f"{n}. {name}", FLOW, HOLDS, credential_code(hit.credential.id))]
                for n, (name, hit) in enumerate(zip(names, hits, strict=True), 1)
            ]
            rows.append(_nav(turn, HOLDS, done=True))
            await turn.say(
                t("Which one do you hold? Tap its number.") + "\n" + listing,
                turn.keyboard(rows),
                edit=False,
            )
            return HOLDS
        return await ask(
            turn, HOLDS, t("I couldn't find that one. Try another name, or tap Done."), edit=False
        )
    elif step == HOURS_Q:
        hours = parse_number(text)
        if hours is not None and hours <= 80:
            value = str(hours)
    elif step == BUDGET_Q:
        budget = parse_number(text)
        if budget is not None:
            value = str(budget)
        elif match_choice(text, [(str(-1), "No limit", ("no limit", "sin limite", "any"))], t):
            value = "-1"
    elif step == DELIVERY_Q:
        value = match_choice(text, DELIVERY, t)
    else:
        value = normalize_region(text)
    if value is None:
        return await ask(
            turn,
            step,
            t("Sorry, I didn't catch that. Tap a button, or try typing it another way."),
            edit=False,
        )
    return await _answer(turn, step, value)


async def not_text(update: Update, context: ToolboxContext) -> str | None:
    """Stickers, photos, voice notes mid-flow: kindly ask the same question again."""
    turn = await begin_turn(update, context)
    step = context.user_data.get(STEP_KEY)
    note = turn.t("I can only read text and button taps.")
    if step in STEPS:
        return await ask(turn, step, note, edit=False)
    await turn.say(note, edit=False)
    return None


# ---------------------------------------------------------------- entry ------------


async def start(update: Update, context: ToolboxContext) -> str | int:
    """`/start` (or the deep link from a group): begin, or offer to redo a finished profile."""
    turn = await begin_turn(update, context)
    context.user_data.pop(EDITING, None)
    # Deep links from a group ("?start=profile") land here: finish what was asked there.
    payload = (context.args or [""])[0]
    if payload == "profile":
        await account.show_profile(turn)
        return ConversationHandler.END
    async with context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    if payload == "recommend" and view.completed:
        await recommendations.show(turn)
        return ConversationHandler.END
    name = escape(update.effective_user.first_name if update.effective_user else "")
    if view.completed:
        rows = [
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
    current = context.user_data.get(STEP_KEY)
    return await ask(turn, current if current in STEPS else TRADE, greeting, edit=False)


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
        context.user_data.pop(EDITING, None)
        return await ask(turn, TRADE)
    if data.action == "keep":
        await recommendations.show(turn, edit=True)
        return ConversationHandler.END
    if data.action == "edit" and data.arg in STEPS:
        context.user_data[EDITING] = True
        return await ask(turn, data.arg)
    await turn.say(turn.t("That button is no longer valid."), edit=False)
    return ConversationHandler.END


async def cancel(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    context.user_data.pop(EDITING, None)
    await turn.say(
        turn.t("Okay, stopped. Your answers so far are saved; /start picks up again."), edit=False
    )
    return ConversationHandler.END


def _step_handlers(step: str) -> list[BaseHandler]:  # type: ignore[type-arg]
    on_button: Callable[..., Awaitable[object]] = partial(button_pressed, step)
    on_text: Callable[..., Awaitable[object]] = partial(text_typed, step)
    return [
        CallbackQueryHandler(on_button, pattern=for_flow(FLOW)),
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.COMMAND, not_text),
    ]


def build() -> ConversationHandler:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    entry_buttons = CallbackQueryHandler(
        restart_chosen,
        pattern=for_action(FLOW, "redo", "keep", "edit"),
    )
    with warnings.catch_warnings():
        # per_message=False on purpose: state is per user, whichever message was tapped.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            name="onboarding",
            persistent=True,
            entry_points=[CommandHandler("start", start, filters=private), entry_buttons],
            states={step: _step_handlers(step) for step in STEPS},
            fallbacks=[
                CommandHandler("cancel", cancel),
                CommandHandler("start", start, filters=private),
                entry_buttons,
            ],
            allow_reentry=True,
        )
