"""`/reminders`: everything scheduled with its next local time; pause all and resume,
quiet hours, and the weekly check-in's day and time. (Sending is bot/reminders/.)"""

from __future__ import annotations

from datetime import time

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Button, Flow, for_flow
from bot.i18n import N_
from bot.reminders.texts import WEEKDAY_LABELS, when_text
from bot.runtime import ToolboxContext
from bot.services import reminder_settings
from handlers.chat import Turn, begin_turn, escape, private_only, shorten
from handlers.plans import zone_and_today

FLOW = Flow.REMINDERS
QUIET_CHOICES = ("2100-0700", "2200-0700", "2200-0600", "2000-0800", "2300-0800")
CHECKIN_HOURS = ("08:00", "12:00", "18:00", "20:00")
LISTED = 6  # soonest first; more would not fit one phone screen
KIND_LABELS = {
    "study": N_("📚 Study"),
    "snooze": N_("⏰ Snoozed study"),
    "weekly_checkin": N_("📋 Weekly check-in"),
    "renewal": N_("🔔 Renewal"),
}


def _quiet_label(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def _quiet_from_arg(arg: str) -> tuple[time, time] | None:
    if arg not in QUIET_CHOICES:
        return None
    start, end = arg.split("-")
    return time(int(start[:2]), int(start[2:])), time(int(end[:2]), int(end[2:]))


async def show_reminders(turn: Turn, note: str = "", edit: bool = False) -> None:
    t = turn.t
    services = turn.context.services
    zone, today = await zone_and_today(turn)
    async with services.sessions() as session:
        view = await reminder_settings.overview(session, turn.user_id)
    lines = [t("<b>Your reminders</b> (your time, {zone})", zone=escape(zone.replace("_", " ")))]
    for item in view.scheduled[:LISTED]:
        label = t(KIND_LABELS.get(item.kind, item.kind))
        credential = services.catalog.credentials.get(item.credential_id or "")
        if credential is not None:
            label += " · " + escape(shorten(credential.name, 40))
        lines.append(f"{label}: {when_text(t, item.next_fire_at, zone, today)}")
    if len(view.scheduled) > LISTED:
        lines.append(t("…and {count} more.", count=len(view.scheduled) - LISTED))
    if view.paused:
        lines.append(t("⏸ All reminders are paused."))
    elif not view.scheduled:
        lines.append(t("Nothing scheduled yet. Start a plan from /recommend."))
    lines.append(t("Quiet hours: {window}", window=_quiet_label(*view.quiet)))
    toggle: Button = (
        (t("▶ Resume all"), FLOW, "resume", "")
        if view.paused
        else (t("⏸ Pause all"), FLOW, "pause", "")
    )
    rows: list[list[Button]] = [
        [toggle],
        [(t("Quiet hours"), FLOW, "quiet", ""), (t("Check-in day"), FLOW, "cday", "")],
    ]
    text = "\n".join(lines)
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows), edit=edit)


async def reminders_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "reminders"):
        return
    await show_reminders(turn)


async def reminders_pressed(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button()
    if data is None:
        return
    services = context.services
    zone, _ = await zone_and_today(turn)
    note = ""
    if data.action == "pause":
        async with services.sessions.begin() as session:
            await reminder_settings.pause_all(session, turn.user_id)
        note = t("⏸ Paused. Nothing will be sent until you resume.")
    elif data.action == "resume":
        async with services.sessions.begin() as session:
            await reminder_settings.resume_all(session, services.clock, turn.user_id, zone)
        note = t("▶ Resumed.")
    elif data.action == "quiet" and not data.arg:
        rows: list[list[Button]] = [
            [(_quiet_label(*_quiet_from_arg(arg)), FLOW, "quiet", arg)]  # type: ignore[misc]
            for arg in QUIET_CHOICES
        ]
        await turn.say(
            t("Quiet hours: reminders due then wait until they end. Pick a window:"),
            turn.keyboard(rows),
        )
        return
    elif data.action == "quiet":
        window = _quiet_from_arg(data.arg)
        if window is None:
            await turn.toast(t("That button is no longer valid."))
            return
        async with services.sessions.begin() as session:
            await reminder_settings.set_quiet_hours(session, services.clock, turn.user_id, *window)
        note = t("✓ Quiet hours {window}.", window=_quiet_label(*window))
    elif data.action == "cday":
        rows = [
            [(t(WEEKDAY_LABELS[d]), FLOW, "ctime", f"{d}") for d in range(4)],
            [(t(WEEKDAY_LABELS[d]), FLOW, "ctime", f"{d}") for d in range(4, 7)],
        ]
        await turn.say(t("Which day for the weekly check-in?"), turn.keyboard(rows))
        return
    elif data.action == "ctime" and data.arg in {str(d) for d in range(7)}:
        rows = [[(h, FLOW, "cset", f"{data.arg}-{h.replace(':', '')}") for h in CHECKIN_HOURS]]
        await turn.say(t("And at what time?"), turn.keyboard(rows))
        return
    elif data.action == "cset" and _checkin_arg(data.arg) is not None:
        weekday, at = _checkin_arg(data.arg)  # type: ignore[misc]
        async with services.sessions.begin() as session:
            await reminder_settings.set_checkin(
                session, services.clock, turn.user_id, weekday, at, zone
            )
        note = t(
            "✓ Weekly check-in on {day} at {time}.",
            day=t(WEEKDAY_LABELS[weekday]),
            time=at.strftime("%H:%M"),
        )
    else:
        await turn.toast(t("That button is no longer valid."))
        return
    await show_reminders(turn, note, edit=True)


def _checkin_arg(arg: str) -> tuple[int, time] | None:
    day, _, hhmm = arg.partition("-")
    hour = f"{hhmm[:2]}:{hhmm[2:]}"
    if day not in {str(d) for d in range(7)} or hour not in CHECKIN_HOURS:
        return None
    return int(day), time(int(hhmm[:2]), int(hhmm[2:]))


ORDER = 33  # among the flows: see handlers/__init__.py
MENU = (("reminders", N_("What I will remind you of, and when")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("reminders", reminders_command),
        CallbackQueryHandler(reminders_pressed, pattern=for_flow(FLOW)),
    ]
