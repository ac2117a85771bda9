"""Study plans: "Start a plan" on a card asks at most three taps (target date or a guess
of the hours, study days, time of day; the timezone first only when unknown); `/plans`
shows each plan's progress bar and pace, with pause, resume, edit and abandon.

Try it: /recommend, tap "Start a plan" on a card, then /plans.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import Button, Flow, credential_from_code, for_action
from bot.i18n import N_, Translator
from bot.reminders.texts import bar_line, days_text, pace_line, when_text
from bot.runtime import ToolboxContext
from bot.services import plans, profiles
from bot.services.plans import PlanChoice, PlanNotFound
from bot.services.progress import Progress, hours_text
from bot.services.timezones import local_time_label, timezone_choices, timezone_from_text
from handlers.chat import Turn, begin_turn, escape, private_only

FLOW = Flow.PLAN
TIMEZONE, SIZE, TARGET, DAYS, HOUR = "pl_tz", "pl_size", "pl_date", "pl_days", "pl_hour"
HOURS = ("07:00", "12:00", "17:00", "19:00", "20:00")
GUESSES = (5, 10, 20, 40)  # "about how many hours?" quick choices
DAY_SETS = ("024", "13", "56", "01234")  # weekday digits, Monday = 0
CREDENTIAL, EDITING, PLANNED, WEEKS, CHOSEN_DAYS = (
    "plan_credential",
    "plan_edit",
    "plan_hours",
    "plan_weeks",
    "plan_days",
)
UNSURE = "unsure"
SETUP_ACTIONS = ("tz", "size", "date", "days", "hour")


async def zone_and_today(turn: Turn) -> tuple[str, date]:
    """The worker's zone (the default until they tell us) and their local date."""
    services = turn.context.services
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    zone = view.timezone or services.settings.default_timezone
    return zone, plans_today(turn, zone)


def plans_today(turn: Turn, zone: str) -> date:
    return turn.context.services.clock.now().astimezone(ZoneInfo(zone)).date()


def _zone_arg(zone: str) -> str:
    return zone.replace("/", ".")


def _with_note(note: str, text: str) -> str:
    return f"{note}\n\n{text}" if note else text


# --- the three taps -------------------------------------------------------------------


async def ask_timezone(turn: Turn, note: str = "") -> str:
    async with turn.context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    now = turn.context.services.clock.now()
    rows = [
        [(local_time_label(z, now), FLOW, "tz", _zone_arg(z))]
        for z in timezone_choices(view.region)
    ]
    text = turn.t(
        "So I nudge you at a good moment: what time is it where you are? Tap it, or type your city."
    )
    await turn.say(_with_note(note, text), turn.keyboard(rows), edit=False)
    return TIMEZONE


async def ask_first(turn: Turn, note: str = "") -> str:
    """Target date when the catalog knows the hours; otherwise the worker's guess."""
    catalog = turn.context.services.catalog
    credential = catalog.credentials[turn.context.user_data[CREDENTIAL]]
    span = credential.hours
    planned = (span.max if span.max is not None else span.min) if span else None
    if not planned:
        return await ask_size(turn, note)
    turn.context.user_data[PLANNED] = planned
    return await ask_target(turn, planned, note)


async def ask_size(turn: Turn, note: str = "") -> str:
    t = turn.t
    rows: list[list[Button]] = [
        [(t("{hours} h", hours=h), FLOW, "size", h) for h in GUESSES],
        [(t("Not sure"), FLOW, "size", UNSURE)],
    ]
    text = t(
        "The catalog doesn't say how long this takes. About how many hours do you think it "
        "takes? If you're not sure, I'll plan by study sessions instead."
    )
    await turn.say(_with_note(note, text), turn.keyboard(rows), edit=False)
    return SIZE


def target_options(planned: float, weekly: int | None) -> list[int]:
    suggested = plans.suggested_weeks(planned, weekly)
    return sorted({suggested, math.ceil(suggested * 1.5), suggested * 2})


async def ask_target(turn: Turn, planned: float, note: str = "") -> str:
    t = turn.t
    async with turn.context.services.sessions() as session:
        weekly = (await profiles.load_profile(session, turn.user_id)).weekly_hours
    _, today = await zone_and_today(turn)
    weeks = target_options(planned, weekly)
    rows: list[list[Button]] = [
        [
            (
                t(
                    "{date} · {hours} h/week",
                    date=(today + timedelta(weeks=w)).isoformat(),
                    hours=math.ceil(planned / w),
                ),
                FLOW,
                "date",
                w,
            )
        ]
        for w in weeks
    ]
    pace = weekly or plans.DEFAULT_WEEKLY_HOURS
    text = t(
        "It takes about {hours} h. At {pace} h a week that is {weeks} weeks. Pick a target date:",
        hours=hours_text(planned),
        pace=pace,
        weeks=weeks[0],
    )
    await turn.say(_with_note(note, text), turn.keyboard(rows), edit=False)
    return TARGET


async def ask_days(turn: Turn, note: str = "") -> str:
    t = turn.t
    rows: list[list[Button]] = [
        [(days_text(t, [int(d) for d in key]), FLOW, "days", key)] for key in DAY_SETS[:-1]
    ]
    rows.append([(t("Mon to Fri"), FLOW, "days", DAY_SETS[-1])])
    text = t("Which days will you study?")
    await turn.say(_with_note(note, text), turn.keyboard(rows))
    return DAYS


async def ask_hour(turn: Turn, note: str = "") -> str:
    rows = [[(h, FLOW, "hour", h) for h in HOURS[:3]], [(h, FLOW, "hour", h) for h in HOURS[3:]]]
    text = turn.t('At what time should I remind you? Tap one or type it ("6pm", "18:30").')
    await turn.say(_with_note(note, text), turn.keyboard(rows))
    return HOUR


async def plan_started(update: Update, context: ToolboxContext) -> str | int | None:
    """ "Start a plan" on a card, or "Edit" on a plan: the same questions."""
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button(ack=False)
    if data is None:
        return None
    if not await private_only(turn, "start"):
        await turn.toast()
        return ConversationHandler.END
    services = context.services
    for key in (CREDENTIAL, EDITING, PLANNED, WEEKS, CHOSEN_DAYS):
        context.user_data.pop(key, None)
    if data.action == "edit":
        try:
            async with services.sessions() as session:
                plan = await plans.get_plan(session, turn.user_id, int(data.arg))
                credential_id = plan.credential_id
        except (PlanNotFound, ValueError):
            await turn.toast(t("That plan is no longer there."))
            return ConversationHandler.END
        context.user_data[EDITING] = plan.id
    else:
        found = credential_from_code(data.arg, frozenset(services.catalog.credentials))
        if found is None:
            await turn.toast(t("That credential is no longer in the catalog."))
            return ConversationHandler.END
        credential_id = found
    await turn.toast()
    context.user_data[CREDENTIAL] = credential_id
    name = escape(services.catalog.credentials[credential_id].name)
    note = t("Plan for <b>{name}</b>.", name=name)
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    if view.timezone is None:
        return await ask_timezone(turn, note)
    return await ask_first(turn, note)


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
    return await ask_first(turn, "✓ " + escape(zone.replace("_", " ")))


async def size_answered(update: Update, context: ToolboxContext) -> str | None:
    turn = await begin_turn(update, context)
    t = turn.t
    guess: float | None = None
    unsure = False
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        unsure = data.arg == UNSURE
        guess = float(data.arg) if data.arg.isdigit() and int(data.arg) in GUESSES else None
    elif update.effective_message and update.effective_message.text:
        typed = re.fullmatch(
            r"\s*(\d{1,3})\s*(?:h|hours?|horas?)?\s*", update.effective_message.text
        )
        guess = float(typed.group(1)) if typed and 0 < int(typed.group(1)) <= 500 else None
    if guess is None and not unsure:
        return await ask_size(turn, t("Sorry, about how many hours? Tap one."))
    async with context.services.sessions() as session:
        weekly = (await profiles.load_profile(session, turn.user_id)).weekly_hours
    _, today = await zone_and_today(turn)
    if guess is None:
        context.user_data[PLANNED] = UNSURE
        context.user_data[WEEKS] = plans.SESSIONS_WEEKS
        target = today + timedelta(weeks=plans.SESSIONS_WEEKS)
        note = t(
            "No problem: I'll plan {weeks} weeks of study sessions, until {date}. Edit the "
            "plan when you know the hours.",
            weeks=plans.SESSIONS_WEEKS,
            date=target.isoformat(),
        )
    else:
        weeks = plans.suggested_weeks(guess, weekly)
        context.user_data[PLANNED] = guess
        context.user_data[WEEKS] = weeks
        note = t(
            "✓ About {hours} h: target {date}.",
            hours=hours_text(guess),
            date=(today + timedelta(weeks=weeks)).isoformat(),
        )
    return await ask_days(turn, note)


async def target_answered(update: Update, context: ToolboxContext) -> str | None:
    turn = await begin_turn(update, context)
    weeks: int | None = None
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        weeks = int(data.arg) if data.action == "date" and data.arg.isdigit() else None
    planned = context.user_data.get(PLANNED)
    if weeks is None or not 0 < weeks <= 104 or not isinstance(planned, (int, float)):
        return await ask_first(turn, turn.t("Sorry, which date? Tap one."))
    context.user_data[WEEKS] = weeks
    _, today = await zone_and_today(turn)
    return await ask_days(turn, "✓ " + (today + timedelta(weeks=weeks)).isoformat())


async def days_answered(update: Update, context: ToolboxContext) -> str | None:
    turn = await begin_turn(update, context)
    key = ""
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        key = data.arg if data.action == "days" else ""
    if key not in DAY_SETS:
        return await ask_days(turn, turn.t("Sorry, which days? Tap one."))
    context.user_data[CHOSEN_DAYS] = key
    return await ask_hour(turn, "✓ " + days_text(turn.t, [int(d) for d in key]))


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
    t = turn.t
    at: time | None = None
    if update.callback_query:
        data = await turn.button()
        if data is None:
            return None
        at = parse_time(data.arg) if data.action == "hour" else None
    elif update.effective_message and update.effective_message.text:
        at = parse_time(update.effective_message.text)
    answers = context.user_data
    credential_id, weeks, days = (
        answers.get(CREDENTIAL),
        answers.get(WEEKS),
        answers.get(CHOSEN_DAYS),
    )
    planned = answers.get(PLANNED)
    if not (isinstance(credential_id, str) and isinstance(weeks, int) and isinstance(days, str)):
        await turn.say(t("Sorry, I lost track. Tap Start a plan again."))
        return ConversationHandler.END
    if at is None:
        return await ask_hour(turn, t("Sorry, what time? Tap one."))
    choice = PlanChoice(
        planned_hours=float(planned) if isinstance(planned, (int, float)) else None,
        weeks=weeks,
        days=tuple(int(d) for d in days),
        at=at,
    )
    services = context.services
    zone, today = await zone_and_today(turn)
    async with services.sessions.begin() as session:
        editing = answers.get(EDITING)
        if isinstance(editing, int):
            await plans.edit_plan(session, services.clock, turn.user_id, editing, choice, zone)
        else:
            await plans.start_plan(
                session, services.clock, turn.user_id, credential_id, choice, zone
            )
        checkin = await plans.checkin_reminder(session, turn.user_id)
    for key in (CREDENTIAL, EDITING, PLANNED, WEEKS, CHOSEN_DAYS):
        answers.pop(key, None)
    name = escape(services.catalog.credentials[credential_id].name)
    amount = (
        t("{hours} h", hours=hours_text(choice.planned_hours))
        if choice.planned_hours is not None
        else t("{sessions} sessions", sessions=choice.planned_sessions())
    )
    lines = [
        t(
            "✓ Plan for <b>{name}</b>: {amount} by {date}.",
            name=name,
            amount=amount,
            date=(today + timedelta(weeks=weeks)).isoformat(),
        ),
        t(
            "I'll remind you {days} at {time}.",
            days=days_text(t, list(choice.days)),
            time=at.strftime("%H:%M"),
        ),
    ]
    if checkin is not None and checkin.next_fire_at is not None and checkin.active:
        lines.append(t("Weekly check-in: {when}.", when=when_text(t, checkin.next_fire_at, zone)))
    lines.append(t("/plans shows your progress; /log 45m logs study."))
    await turn.say("\n".join(lines))
    return ConversationHandler.END


async def cancel(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    await turn.say(turn.t("Okay, stopped. Nothing changed."), edit=False)
    return ConversationHandler.END


# --- /plans and what its buttons do ----------------------------------------------------


def plan_text(t: Translator, name: str, progress: Progress, today: date) -> str:
    head = f"<b>{escape(name)}</b>"
    if progress.status == "paused":
        head += " · " + t("paused")
    return "\n".join((head, bar_line(t, progress), pace_line(t, progress, today)))


def plan_buttons(t: Translator, progress: Progress) -> list[list[Button]]:
    pid = progress.plan_id
    toggle: Button = (
        (t("Resume"), FLOW, "resume", pid)
        if progress.status == "paused"
        else (t("Pause"), FLOW, "pause", pid)
    )
    return [
        [(t("Log study"), Flow.STUDY, "done", pid), toggle],
        [(t("Edit"), FLOW, "edit", pid), (t("Abandon"), FLOW, "abandon", pid)],
    ]


async def show_plan(turn: Turn, plan_id: int, note: str = "", edit: bool = True) -> None:
    services = turn.context.services
    _, today = await zone_and_today(turn)
    async with services.sessions() as session:
        progress = next(
            (
                p
                for p in await plans.list_plans(session, turn.user_id, today)
                if p.plan_id == plan_id
            ),
            None,
        )
    t = turn.t
    if progress is None:
        await turn.say(
            _with_note(note, t("That plan is closed. /plans shows the others.")), edit=edit
        )
        return
    credential = services.catalog.credentials.get(progress.credential_id)
    name = credential.name if credential else progress.credential_id
    text = plan_text(t, name, progress, today)
    await turn.say(_with_note(note, text), turn.keyboard(plan_buttons(t, progress)), edit=edit)


async def plans_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "plans"):
        return
    _, today = await zone_and_today(turn)
    async with context.services.sessions() as session:
        shown = await plans.list_plans(session, turn.user_id, today)
    if not shown:
        await turn.say(
            turn.t("No study plans yet. /recommend shows three credentials worth your time."),
            edit=False,
        )
        return
    for progress in shown[:10]:
        await show_plan(turn, progress.plan_id, edit=False)


async def plan_pressed(update: Update, context: ToolboxContext) -> None:
    """View, pause, resume, abandon (asked once), and the check-in's lower/pause/keep."""
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button()
    if data is None:
        return
    if not data.arg.isdigit():
        await turn.say(t("That plan is no longer there."), edit=False)
        return
    plan_id = int(data.arg)
    services = context.services
    zone, today = await zone_and_today(turn)
    note = ""
    try:
        async with services.sessions.begin() as session:
            if data.action == "view":
                pass
            elif data.action in ("pause", "resume"):
                status = "paused" if data.action == "pause" else "active"
                await plans.set_status(session, services.clock, turn.user_id, plan_id, status, zone)
                note = (
                    t("⏸ Paused. No study reminders until you resume.")
                    if status == "paused"
                    else t("▶ Resumed. Reminders are back on.")
                )
            elif data.action == "abandon":
                plan = await plans.get_plan(session, turn.user_id, plan_id)
                credential = services.catalog.credentials.get(plan.credential_id)
                name = escape(credential.name if credential else plan.credential_id)
                await turn.say(
                    t("Abandon the plan for <b>{name}</b>? Its reminders stop.", name=name),
                    turn.keyboard(
                        [
                            [
                                (t("Yes, abandon"), FLOW, "drop", plan_id),
                                (t("No, keep it"), FLOW, "view", plan_id),
                            ]
                        ]
                    ),
                )
                return
            elif data.action == "drop":
                await plans.set_status(
                    session, services.clock, turn.user_id, plan_id, "abandoned", zone
                )
                await turn.say(t("Plan abandoned. /recommend when you want a new one."))
                return
            elif data.action == "lower":
                plan = await plans.lower_weekly_target(session, turn.user_id, plan_id, today)
                note = t("✓ Lighter plan: {hours} h a week.", hours=plan.weekly_hours or 1)
            elif data.action == "keep":
                note = t("✓ Kept as is. One short session is enough to restart.")
    except PlanNotFound:
        await turn.say(t("That plan is no longer there."))
        return
    await show_plan(turn, plan_id, note)


def build() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    buttons = for_action(FLOW, *SETUP_ACTIONS)
    with warnings.catch_warnings():
        # per_message=False on purpose: state is per user, whichever message was tapped.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            name="plan_setup",
            persistent=True,
            entry_points=[
                CallbackQueryHandler(plan_started, pattern=for_action(FLOW, "start", "edit"))
            ],
            states={
                TIMEZONE: [
                    CallbackQueryHandler(timezone_answered, pattern=buttons),
                    MessageHandler(text, timezone_answered),
                ],
                SIZE: [
                    CallbackQueryHandler(size_answered, pattern=buttons),
                    MessageHandler(text, size_answered),
                ],
                TARGET: [
                    CallbackQueryHandler(target_answered, pattern=buttons),
                    MessageHandler(text, target_answered),
                ],
                DAYS: [
                    CallbackQueryHandler(days_answered, pattern=buttons),
                    MessageHandler(text, days_answered),
                ],
                HOUR: [
                    CallbackQueryHandler(hour_answered, pattern=buttons),
                    MessageHandler(text, hour_answered),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
        )


ORDER = 30  # among the flows: see handlers/__init__.py
MENU = (("plans", N_("Your study plans and progress")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        build(),
        CommandHandler("plans", plans_command),
        CallbackQueryHandler(
            plan_pressed,
            pattern=for_action(FLOW, "view", "pause", "resume", "abandon", "drop", "lower", "keep"),
        ),
    ]
