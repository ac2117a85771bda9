"""Start a plan: the moment we first need the worker's timezone and check-in time.

Timezone is inferred from the region when it can be; otherwise "What time is it where
you are?" as buttons (people know their clock, not their UTC offset) or a city name.
"""

from __future__ import annotations

import re
import warnings
from datetime import time

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import Flow, credential_from_code, for_action, for_flow
from bot.runtime import ToolboxContext
from bot.services import plans, profiles
from bot.services.timezones import local_time_label, timezone_choices, timezone_from_text
from handlers.chat import Turn, begin_turn, escape
from handlers.choices import WEEKDAYS, match_choice
from handlers.groups import private_only

FLOW = Flow.PLAN
TIMEZONE, DAY, HOUR = "pl_tz", "pl_day", "pl_hour"
HOURS = ("07:00", "12:00", "17:00", "19:00", "20:00")
PLAN_KEY = "plan_credential"
DAY_ARGS = frozenset(str(day) for day in range(7))


def _zone_arg(zone: str) -> str:
    return zone.replace("/", ".")


async def ask_timezone(turn: Turn, note: str = "") -> str:
    async with turn.context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    now = turn.context.services.clock.now()
    zones = timezone_choices(view.region)
    rows = [[(local_time_label(z, now), FLOW, "tz", _zone_arg(z))] for z in zones]
    text = turn.t(
        "So I nudge you at a good moment: what time is it where you are? Tap it, or type your city."
    )
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows), edit=False)
    return TIMEZONE


async def ask_day(turn: Turn, note: str = "") -> str:
    t = turn.t
    rows = [
        [(t(d), FLOW, "day", i) for i, d in enumerate(WEEKDAYS[:4])],
        [(t(d), FLOW, "day", i + 4) for i, d in enumerate(WEEKDAYS[4:])],
    ]
    text = t("Which day should I check in on your progress each week?")
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows), edit=not note)
    return DAY


async def ask_hour(turn: Turn) -> str:
    rows = [[(h, FLOW, "hour", h) for h in HOURS[:3]], [(h, FLOW, "hour", h) for h in HOURS[3:]]]
    await turn.say(
        turn.t('And at what time? Tap one or type it ("6pm", "18:30").'), turn.keyboard(rows)
    )
    return HOUR


async def plan_started(update: Update, context: ToolboxContext) -> str | int | None:
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button(ack=False)
    if data is None:
        return None
    if not await private_only(turn, "start"):
        await turn.toast()
        return ConversationHandler.END
    services = context.services
    credential_id = credential_from_code(data.arg, frozenset(services.catalog.credentials))
    if credential_id is None:
        await turn.toast(t("That credential is no longer in the catalog."))
        return ConversationHandler.END
    await turn.toast()
    async with services.sessions.begin() as session:
        view = await profiles.load_profile(session, turn.user_id)
        _, is_new = await plans.start_plan(
            session, services.clock, turn.user_id, credential_id, view.weekly_hours
        )
    name = escape(services.catalog.credentials[credential_id].name)
    note = (
        t("Plan started: <b>{name}</b>.", name=name)
        if is_new
        else t("You already have a plan for <b>{name}</b>.", name=name)
    )
    context.user_data[PLAN_KEY] = credential_id
    if view.timezone is None:
        return await ask_timezone(turn, note)
    return await ask_day(turn, note)


async def timezone_answered(update: Update, context: ToolboxContext) -> str | None:
    turn = await begin_turn(update, context)
    zone: str | None = None
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        zone = timezone_from_text(data.arg.replace(".", "/")) if data.action == "tz" else None
    elif update.effective_message and update.effective_message.text:
        zone = timezone_from_text(update.effective_message.text)
    if zone is None:
        return await ask_timezone(
            turn, turn.t("I don't know that place. Try a big city near you, or tap your time.")
        )
    services = context.services
    async with services.sessions.begin() as session:
        await profiles.set_timezone(
            session,
            services.clock,
            turn.user_id,
            zone,
            default_tz=services.settings.default_timezone,
        )
    return await ask_day(turn, "✓ " + escape(zone.replace("_", " ")))


async def day_answered(update: Update, context: ToolboxContext) -> str | None:
    turn = await begin_turn(update, context)
    day: int | None = None
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        day = int(data.arg) if data.action == "day" and data.arg in DAY_ARGS else None
    elif update.effective_message and update.effective_message.text:
        choices = [
            (str(i), d, (d.lower(),))
            for i, d in enumerate(
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            )
        ]
        spanish = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
        choices = [(k, label, (*syn, spanish[int(k)])) for k, label, syn in choices]
        key = match_choice(update.effective_message.text, choices, turn.t)
        day = int(key) if key is not None else None
    if day is None:
        return await ask_day(turn, turn.t("Sorry, which day? Tap one."))
    context.user_data["plan_day"] = day
    return await ask_hour(turn)


def parse_time(text: str) -> time | None:
    """ "6pm", "6:30 pm", "18:30", "18h" → a time of day."""
    match = re.search(r"(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", text[:40].lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    return time(hour, minute) if hour < 24 and minute < 60 else None


async def hour_answered(update: Update, context: ToolboxContext) -> str | int | None:
    turn = await begin_turn(update, context)
    at: time | None = None
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        at = parse_time(data.arg) if data.action == "hour" else None
    elif update.effective_message and update.effective_message.text:
        at = parse_time(update.effective_message.text)
    day = context.user_data.get("plan_day")
    if at is None or not isinstance(day, int):
        return await ask_hour(turn)
    services = context.services
    async with services.sessions.begin() as session:
        # The reminder's schedule is the one record of the check-in day and time.
        await plans.schedule_weekly_checkin(
            session, services.clock, turn.user_id, day, at, services.settings.default_timezone
        )
    context.user_data.pop("plan_day", None)
    context.user_data.pop(PLAN_KEY, None)
    await turn.say(
        turn.t(
            "Done. I'll check in every {day} at {time}. /recommend for more ideas.",
            day=turn.t(WEEKDAYS[day]),
            time=at.strftime("%H:%M"),
        )
    )
    return ConversationHandler.END


async def cancel(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    await turn.say(turn.t("Okay, stopped. Your plan is saved."), edit=False)
    return ConversationHandler.END


def build() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    buttons = for_flow(FLOW)
    with warnings.catch_warnings():
        # per_message=False on purpose: state is per user, whichever message was tapped.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            name="plan_setup",
            persistent=True,
            entry_points=[
                CallbackQueryHandler(
                    plan_started,
                    pattern=for_action(FLOW, "start"),
                )
            ],
            states={
                TIMEZONE: [
                    CallbackQueryHandler(timezone_answered, pattern=buttons),
                    MessageHandler(text, timezone_answered),
                ],
                DAY: [
                    CallbackQueryHandler(day_answered, pattern=buttons),
                    MessageHandler(text, day_answered),
                ],
                HOUR: [
                    CallbackQueryHandler(hour_answered, pattern=buttons),
                    MessageHandler(text, hour_answered),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
        )


def handlers() -> list:  # type: ignore[type-arg]
    return [build()]
