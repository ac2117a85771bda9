"""Logging study: `/log 45m`, `/log 1.5h`, a typed "studied 2 hours" / "estudié 2 horas",
and the buttons of a study reminder (Done asks how long; Snooze 1 h; Skip today).
Reaching the planned hours asks about the exam and offers to record the credential.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Button, Flow, for_flow
from bot.i18n import N_
from bot.reminders.kinds.snooze import SNOOZE
from bot.reminders.texts import bar_line, pace_line, when_text
from bot.runtime import ToolboxContext
from bot.services import earned, plans
from bot.services.plans import PlanNotFound
from bot.services.progress import (
    Logged,
    NoActivePlan,
    WhichPlan,
    duration_text,
    log_study,
    parse_duration,
    parse_study_text,
)
from handlers.chat import Turn, begin_turn, escape, private_only
from handlers.earned import expiry_note
from handlers.plans import zone_and_today

FLOW = Flow.STUDY
QUICK_MINUTES = (15, 30, 45, 60, 90, 120)


def _name(turn: Turn, credential_id: str) -> str:
    credential = turn.context.services.catalog.credentials.get(credential_id)
    return escape(credential.name if credential else credential_id)


async def ask_how_long(turn: Turn, plan_id: int) -> None:
    rows: list[list[Button]] = [
        [(duration_text(m), FLOW, "min", f"{plan_id}:{m}") for m in QUICK_MINUTES[:3]],
        [(duration_text(m), FLOW, "min", f"{plan_id}:{m}") for m in QUICK_MINUTES[3:]],
    ]
    await turn.say(turn.t("Nice! How long did you study?"), turn.keyboard(rows))


async def record(turn: Turn, minutes: int, plan_id: int | None = None, edit: bool = True) -> None:
    """Log and answer with the plan's new figures; the one place every log goes through."""
    t = turn.t
    services = turn.context.services
    _zone, today = await zone_and_today(turn)
    try:
        async with services.sessions.begin() as session:
            logged: Logged = await log_study(
                session, services.clock, turn.user_id, minutes, today, plan_id
            )
    except NoActivePlan:
        await turn.say(
            t("There's no active plan to log that against. /recommend to start one."), edit=edit
        )
        return
    except WhichPlan as several:
        async with services.sessions() as session:
            rows: list[list[Button]] = []
            for pid in several.plan_ids[:6]:
                plan = await plans.get_plan(session, turn.user_id, pid)
                rows.append([(_name(turn, plan.credential_id), FLOW, "pick", f"{pid}:{minutes}")])
        await turn.say(
            t("Which plan was the {length} for?", length=duration_text(minutes)),
            turn.keyboard(rows),
            edit=edit,
        )
        return
    progress = logged.progress
    lines = [
        t(
            "✓ Logged {length} on <b>{name}</b>.",
            length=duration_text(minutes),
            name=_name(turn, progress.credential_id),
        ),
        bar_line(t, progress),
        pace_line(t, progress, today),
    ]
    keyboard = None
    if logged.just_reached:
        lines.append(t("🎉 That's all the study you planned! Did you pass the exam?"))
        keyboard = turn.keyboard(
            [
                [
                    (t("Yes, I passed"), FLOW, "pass", progress.plan_id),
                    (t("Not yet"), FLOW, "notyet", progress.plan_id),
                ]
            ]
        )
    await turn.say("\n".join(lines), keyboard, edit=edit)


async def log_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "log"):
        return
    typed = " ".join(context.args or [])
    if not typed:
        await turn.say(
            turn.t("How long did you study? For example /log 45m or /log 1.5h."), edit=False
        )
        return
    minutes = parse_duration(typed)
    if minutes is None:
        await turn.say(
            turn.t(
                "I couldn't read that as study time. Try /log 45m or /log 1.5h "
                "(up to 16 h at a time)."
            ),
            edit=False,
        )
        return
    await record(turn, minutes, edit=False)


async def typed_log(turn: Turn, text: str) -> bool:
    """ "studied 2 hours" outside any flow: log it. False when the text is not a log."""
    minutes = parse_study_text(text)
    if minutes is None:
        return False
    await record(turn, minutes, edit=False)
    return True


def _plan_and_minutes(arg: str) -> tuple[int, int] | None:
    plan_text, _, minutes_text = arg.partition(":")
    if not (plan_text.isdigit() and minutes_text.isdigit()):
        return None
    return int(plan_text), int(minutes_text)


async def study_pressed(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button()
    if data is None:
        return
    services = context.services
    if data.action in ("min", "pick"):
        parsed = _plan_and_minutes(data.arg)
        if parsed is None or (parsed[1] not in QUICK_MINUTES and data.action == "min"):
            await turn.say(t("That button is no longer valid."), edit=False)
            return
        plan_id, minutes = parsed
        if parse_duration(f"{minutes}m") != minutes:
            await turn.say(t("That button is no longer valid."), edit=False)
            return
        await record(turn, minutes, plan_id)
        return
    if not data.arg.isdigit():
        await turn.say(t("That button is no longer valid."), edit=False)
        return
    plan_id = int(data.arg)
    zone, today = await zone_and_today(turn)
    try:
        if data.action == "done":
            async with services.sessions() as session:
                await plans.get_plan(session, turn.user_id, plan_id)
            await ask_how_long(turn, plan_id)
        elif data.action == "snooze":
            async with services.sessions.begin() as session:
                at = await plans.snooze_study(
                    session, services.clock, turn.user_id, plan_id, zone, SNOOZE
                )
            await turn.say(t("⏰ Snoozed. I'll remind you at {time}.", time=when_text(t, at, zone)))
        elif data.action == "skip":
            async with services.sessions.begin() as session:
                following = await plans.skip_today(session, services.clock, turn.user_id, plan_id)
            text = t("Skipped today. Rest counts too.")
            if following is not None:
                text += " " + t("Next: {when}.", when=when_text(t, following, zone))
            await turn.say(text)
        elif data.action == "pass":
            async with services.sessions() as session:
                plan = await plans.get_plan(session, turn.user_id, plan_id)
            credential = services.catalog.credentials.get(plan.credential_id)
            if credential is None:
                await turn.say(t("That credential is no longer in the catalog."))
                return
            async with services.sessions.begin() as session:
                recorded = await earned.passed_exam(
                    session, services.clock, turn.user_id, plan_id, credential, today, zone
                )
            await turn.say(
                t(
                    "🎓 Congratulations! <b>{name}</b> is now in your credentials.",
                    name=escape(credential.name),
                )
                + "\n"
                + expiry_note(t, recorded)
            )
        elif data.action == "notyet":
            await turn.say(
                t("Good luck with the exam! Keep logging; tap /plans to see where you are.")
            )
        else:
            await turn.say(t("That button is no longer valid."), edit=False)
    except PlanNotFound:
        await turn.say(t("That plan is no longer there."), edit=False)


ORDER = 31  # among the flows: see handlers/__init__.py
MENU = (("log", N_("Log study time, like /log 45m")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("log", log_command),
        CallbackQueryHandler(study_pressed, pattern=for_flow(FLOW)),
    ]
