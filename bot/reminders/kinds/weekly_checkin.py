"""Weekly check-in, on the worker's chosen day and time: this week's study against the
plan, the streak in weeks, what is next and one encouraging line. After two quiet weeks
it offers a lighter target or a pause instead of nagging."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import Button, Flow
from bot.db.models import Plan, Reminder
from bot.i18n import Translator, translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.kinds.study import credential_name
from bot.reminders.schedules import WEEKLY_CHECKIN, parse_hhmm
from bot.reminders.texts import pace_line, when_text
from bot.reminders.triggers import next_weekly
from bot.services.progress import hours_text, logs_between, progress_of, week_streak
from catalog import Catalog

QUIET_WEEKS = 2


def streak_text(t: Translator, weeks: int) -> str:
    if weeks == 0:
        return t("Streak: starts with your next session.")
    if weeks == 1:
        return t("Streak: 1 week.")
    return t("Streak: {weeks} weeks in a row.", weeks=weeks)


def cheer(t: Translator, met: bool, streak: int) -> str:
    if met and streak >= 3:
        return t("Three weeks or more: this is a habit now. 💪")
    if met:
        return t("You did what you planned. Nice work. 👍")
    return t("One short session this week keeps it moving.")


def quiet_offer(t: Translator, plan: Plan, name: str) -> Outgoing:
    lower = max(1, (plan.weekly_hours or 2) // 2)
    text = t(
        "📋 <b>Weekly check-in</b>\nNothing logged for two weeks on <b>{name}</b>. Life gets "
        "busy. Want a lighter weekly target, or a pause until things calm down?",
        name=name,
    )
    row: tuple[Button, ...] = (
        (t("Lower to {hours} h/week", hours=lower), Flow.PLAN, "lower", plan.id),
        (t("Pause the plan"), Flow.PLAN, "pause", plan.id),
    )
    return Outgoing(text, (row, ((t("Keep it as is"), Flow.PLAN, "keep", plan.id),)))


class WeeklyCheckin:
    """Schedule: {"weekday": 0-6 (0 = Monday), "time": "HH:MM"}, the only place the
    check-in day and time are stored."""

    name = WEEKLY_CHECKIN
    # A check-in missed during downtime is still worth one message (coalesced), not seven.
    stale_after: timedelta | None = None

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        return next_weekly(int(schedule["weekday"]), parse_hhmm(schedule["time"]), zone, after)

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        t = translator(due.language)
        today = now.astimezone(ZoneInfo(due.timezone)).date()
        plans = list(
            await session.scalars(
                select(Plan)
                .where(Plan.user_id == due.user_id, Plan.status == "active")
                .order_by(Plan.id)
            )
        )
        if not plans:
            return Outgoing(
                t("📋 Weekly check-in: no study plan yet. /recommend shows three worth your time.")
            )
        ids = [p.id for p in plans]
        _, recent = await logs_between(session, ids, now - timedelta(weeks=QUIET_WEEKS), now)
        oldest = min(p.started_at for p in plans)
        if not recent and oldest <= now - timedelta(weeks=QUIET_WEEKS):
            return quiet_offer(t, plans[0], credential_name(catalog, plans[0].credential_id))
        hours, sessions = await logs_between(session, ids, now - timedelta(weeks=1), now)
        streak = await week_streak(session, ids, now)
        hours_plans = [p for p in plans if p.planned_hours is not None]
        lines = ["📋 " + t("<b>Weekly check-in</b>")]
        met = True
        if hours_plans:
            target = sum(p.weekly_hours or 0 for p in hours_plans)
            met = hours + 1e-9 >= target
            lines.append(
                t("This week: {done} of {target} h planned.", done=hours_text(hours), target=target)
            )
        else:
            studies = await session.scalars(
                select(Reminder).where(Reminder.plan_id.in_(ids), Reminder.kind == "study")
            )
            target = sum(len(r.schedule.get("days", ())) for r in studies)
            met = sessions >= target
            lines.append(
                t("This week: {done} of {target} sessions planned.", done=sessions, target=target)
            )
        lines.append(streak_text(t, streak))
        lines.append(await self._next(session, catalog, t, plans, due.timezone, today))
        lines.append(cheer(t, met, streak))
        return Outgoing("\n".join(lines))

    async def _next(
        self,
        session: AsyncSession,
        catalog: Catalog,
        t: Translator,
        plans: list[Plan],
        zone: str,
        today: Any,
    ) -> str:
        """The plan whose next study session comes first, with its pace."""
        nexts = await session.execute(
            select(Reminder.plan_id, Reminder.next_fire_at)
            .where(
                Reminder.plan_id.in_([p.id for p in plans]),
                Reminder.kind == "study",
                Reminder.active.is_(True),
                Reminder.next_fire_at.is_not(None),
            )
            .order_by(Reminder.next_fire_at)
            .limit(1)
        )
        row = nexts.first()
        plan = next((p for p in plans if row and p.id == row[0]), plans[0])
        progress = await progress_of(session, plan, today)
        name = credential_name(catalog, plan.credential_id)
        if row is None:
            return t("Next: {name} · {pace}", name=name, pace=pace_line(t, progress, today))
        return t(
            "Next: {name}, {when} · {pace}",
            name=name,
            when=when_text(t, row[1], zone),
            pace=pace_line(t, progress, today),
        )


KIND = WeeklyCheckin()
