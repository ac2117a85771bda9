"""Study reminder: on the plan's study days at its time of day, says what to do next and
offers Done, Snooze 1 h and Skip today."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import Button, Flow
from bot.db.models import Plan
from bot.i18n import Translator, translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.schedules import parse_hhmm
from bot.reminders.texts import bar_line, pace_line
from bot.reminders.triggers import next_cron
from bot.services.plans import WEEKDAYS
from bot.services.progress import duration_text, progress_of
from catalog import Catalog

# Past this, "study now" is wrong (the evening is over): skip and wait for the next day.
STALE_AFTER = timedelta(hours=3)


def session_minutes(plan: Plan, days: int) -> int | None:
    """A sitting's length from the weekly target, in quarter hours (at least 15 min)."""
    if plan.weekly_hours is None or days <= 0:
        return None
    return max(15, round(plan.weekly_hours * 60 / days / 15) * 15)


def credential_name(catalog: Catalog, credential_id: str) -> str:
    credential = catalog.credentials.get(credential_id)
    return html.escape(credential.name if credential else credential_id, quote=False)


def study_buttons(t: Translator, plan_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            (t("✔ Done"), Flow.STUDY, "done", plan_id),
            (t("Snooze 1 h"), Flow.STUDY, "snooze", plan_id),
            (t("Skip today"), Flow.STUDY, "skip", plan_id),
        ),
    )


async def study_message(
    session: AsyncSession,
    catalog: Catalog,
    plan: Plan,
    t: Translator,
    schedule: dict[str, Any],
    today: Any,
) -> Outgoing:
    """The reminder for one plan (the snooze kind sends the same)."""
    name = credential_name(catalog, plan.credential_id)
    progress = await progress_of(session, plan, today)
    minutes = session_minutes(plan, len(schedule.get("days", ())))
    if progress.by_hours and minutes:
        head = t(
            "Study time: about {length} on <b>{name}</b>.", length=duration_text(minutes), name=name
        )
    else:
        head = t("Study time: one session on <b>{name}</b>.", name=name)
    lines = [
        "📚 " + head,
        bar_line(t, progress),
        pace_line(t, progress, today),
        t("Tap Done when you finish, and I'll log it."),
    ]
    return Outgoing("\n".join(lines), study_buttons(t, plan.id))


class StudyKind:
    name = "study"
    stale_after: timedelta | None = STALE_AFTER

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        days = [d for d in schedule.get("days", ()) if isinstance(d, int) and 0 <= d < 7]
        if not days:
            return None
        at = parse_hhmm(str(schedule["time"]))
        days = ",".join(WEEKDAYS[d] for d in sorted(set(days)))
        return next_cron(after, zone, day_of_week=days, hour=at.hour, minute=at.minute)

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        plan = await session.get(Plan, due.plan_id) if due.plan_id is not None else None
        if plan is None or plan.status != "active":
            return None  # paused or finished since it was scheduled
        today = now.astimezone(ZoneInfo(due.timezone)).date()
        return await study_message(
            session, catalog, plan, translator(due.language), due.schedule, today
        )


KIND = StudyKind()
