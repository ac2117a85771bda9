"""Study plans: start, edit, pause, resume, abandon, and the reminders that follow them.

A plan's study days and time of day live once, in its study reminder's schedule; the
weekly check-in's day and time live once, in the check-in reminder's schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Plan, Reminder
from bot.reminders.schedules import WEEKLY_CHECKIN as CHECKIN
from bot.reminders.schedules import checkin_schedule, parse_hhmm
from bot.services import reminders
from bot.services.progress import Progress, progress_of

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKLY_HOURS = 3  # a worker who never said: a modest evening or two
SESSIONS_WEEKS = 4  # "not sure" plans four weeks of sessions, then the worker edits it
# Sunday evening, before the week starts; /reminders changes it.
CHECKIN_DEFAULT = checkin_schedule(6, time(18, 0))
LIVE = ("active", "paused")


class PlanNotFound(LookupError):
    """No such plan for this user (an old button, or someone else's id)."""


async def put_reminder(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    kind: str,
    schedule: dict[str, Any],
    zone: str,
    *,
    plan_id: int | None = None,
    earned_id: int | None = None,
) -> Reminder:
    """Create or reschedule the one reminder of this kind for this plan / credential / user.

    `zone` is the user's zone (their own, else the operator's default); the engine reads
    the user's own first, so it only matters for users who never said.
    """
    query = select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == kind)
    if plan_id is not None:
        query = query.where(Reminder.plan_id == plan_id)
    if earned_id is not None:
        query = query.where(Reminder.earned_id == earned_id)
    reminder = await session.scalar(query)
    if reminder is None:
        return await reminders.add_reminder(
            session,
            clock,
            user_id,
            kind,
            dict(schedule),
            default_tz=zone,
            plan_id=plan_id,
            earned_id=earned_id,
        )
    return await reminders.set_schedule(session, clock, reminder, dict(schedule), default_tz=zone)


@dataclass(frozen=True)
class PlanChoice:
    """The answers of the three taps (hours come from the catalog or the worker's guess)."""

    planned_hours: float | None  # None: plan by sessions
    weeks: int
    days: tuple[int, ...]
    at: time

    def weekly_hours(self) -> int | None:
        if self.planned_hours is None:
            return None
        return max(1, math.ceil(self.planned_hours / self.weeks))

    def planned_sessions(self) -> int | None:
        return None if self.planned_hours is not None else len(self.days) * self.weeks


def suggested_weeks(planned_hours: float, weekly_hours: int | None) -> int:
    """Weeks at the worker's pace, at least one."""
    return max(1, math.ceil(planned_hours / (weekly_hours or DEFAULT_WEEKLY_HOURS)))


def study_schedule(days: tuple[int, ...], at: time) -> dict[str, Any]:
    return {"days": sorted(set(days)), "time": at.strftime("%H:%M")}


async def _apply(
    session: AsyncSession, clock: Clock, plan: Plan, choice: PlanChoice, zone: str
) -> None:
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    plan.planned_hours = choice.planned_hours
    plan.planned_sessions = choice.planned_sessions()
    plan.weekly_hours = choice.weekly_hours()
    plan.target_date = today + timedelta(weeks=choice.weeks)
    schedule = study_schedule(choice.days, choice.at)
    await put_reminder(session, clock, plan.user_id, "study", schedule, zone, plan_id=plan.id)
    if plan.status != "active":
        await _set_study_active(session, plan, False)


async def start_plan(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    credential_id: str,
    choice: PlanChoice,
    zone: str,
) -> tuple[Plan, bool]:
    """Start (or re-plan) the plan for a credential, with its study reminder and, the first
    time, a weekly check-in. The flag says whether the plan is new."""
    now = clock.now()
    plan = await session.scalar(
        select(Plan).where(
            Plan.user_id == user_id, Plan.credential_id == credential_id, Plan.status.in_(LIVE)
        )
    )
    is_new = plan is None
    if plan is None:
        plan = Plan(
            user_id=user_id, credential_id=credential_id, status="active", steps=[], started_at=now
        )
        session.add(plan)
        await session.flush()
    await _apply(session, clock, plan, choice, zone)
    await ensure_checkin(session, clock, user_id, zone)
    return plan, is_new


async def edit_plan(
    session: AsyncSession, clock: Clock, user_id: int, plan_id: int, choice: PlanChoice, zone: str
) -> Plan:
    plan = await get_plan(session, user_id, plan_id)
    await _apply(session, clock, plan, choice, zone)
    return plan


async def ensure_checkin(session: AsyncSession, clock: Clock, user_id: int, zone: str) -> None:
    existing = await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == CHECKIN)
    )
    if existing is None:
        await put_reminder(session, clock, user_id, CHECKIN, CHECKIN_DEFAULT, zone)


async def checkin_reminder(session: AsyncSession, user_id: int) -> Reminder | None:
    return await session.scalar(
        select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == CHECKIN)
    )


async def get_plan(session: AsyncSession, user_id: int, plan_id: int) -> Plan:
    plan = await session.get(Plan, plan_id)
    if plan is None or plan.user_id != user_id:
        raise PlanNotFound(plan_id)
    return plan


async def study_reminder(session: AsyncSession, plan_id: int) -> Reminder | None:
    return await session.scalar(
        select(Reminder).where(Reminder.plan_id == plan_id, Reminder.kind == "study")
    )


async def _set_study_active(session: AsyncSession, plan: Plan, active: bool) -> None:
    for reminder in await session.scalars(
        select(Reminder).where(Reminder.plan_id == plan.id, Reminder.kind.in_(("study", "snooze")))
    ):
        reminder.active = active and reminder.next_fire_at is not None


async def set_status(
    session: AsyncSession, clock: Clock, user_id: int, plan_id: int, status: str, zone: str
) -> Plan:
    """Pause, resume or abandon: the plan's study reminders follow its status."""
    if status not in ("active", "paused", "abandoned"):
        raise ValueError(status)
    plan = await get_plan(session, user_id, plan_id)
    if plan.status not in LIVE:
        raise PlanNotFound(plan_id)
    plan.status = status
    now = clock.now()
    if status == "abandoned":
        plan.finished_at = now
    if status == "active":
        reminder = await study_reminder(session, plan.id)
        if reminder is not None:
            await put_reminder(
                session, clock, user_id, "study", reminder.schedule, zone, plan_id=plan.id
            )
    else:
        await _set_study_active(session, plan, False)
    return plan


async def lower_weekly_target(
    session: AsyncSession, user_id: int, plan_id: int, today: date
) -> Plan:
    """Two quiet weeks: a smaller weekly target, and a target date that fits it."""
    plan = await get_plan(session, user_id, plan_id)
    if plan.status != "active":
        raise PlanNotFound(plan_id)
    plan.weekly_hours = max(1, (plan.weekly_hours or DEFAULT_WEEKLY_HOURS) // 2)
    progress = await progress_of(session, plan, today)
    if plan.planned_hours is not None:
        weeks = math.ceil(progress.left / plan.weekly_hours) if progress.left else 1
        plan.target_date = today + timedelta(weeks=max(weeks, 1))
    elif plan.target_date is not None:
        plan.target_date = max(plan.target_date, today) + timedelta(weeks=SESSIONS_WEEKS)
    return plan


async def list_plans(session: AsyncSession, user_id: int, today: date) -> list[Progress]:
    """Active and paused plans, oldest first, with their figures."""
    plans = await session.scalars(
        select(Plan).where(Plan.user_id == user_id, Plan.status.in_(LIVE)).order_by(Plan.id)
    )
    return [await progress_of(session, plan, today) for plan in plans]


async def plans_by_credential(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Credential id → its live plan's id: cards show "View plan" for these."""
    rows = await session.execute(
        select(Plan.credential_id, Plan.id).where(Plan.user_id == user_id, Plan.status.in_(LIVE))
    )
    return {credential_id: plan_id for credential_id, plan_id in rows.all()}


async def close_plan(session: AsyncSession, clock: Clock, user_id: int, plan_id: int) -> Plan:
    """Passed the exam: the plan is done and its study reminders stop."""
    plan = await get_plan(session, user_id, plan_id)
    plan.status = "done"
    plan.finished_at = plan.finished_at or clock.now()
    await _set_study_active(session, plan, False)
    return plan


async def schedule_weekly_checkin(
    session: AsyncSession, clock: Clock, user_id: int, weekday: int, at: time, default_tz: str
) -> Reminder:
    """One weekly check-in per user: its schedule is the only record of the day and time."""
    return await put_reminder(
        session, clock, user_id, CHECKIN, checkin_schedule(weekday, at), default_tz
    )


async def weekly_checkin(session: AsyncSession, user_id: int) -> tuple[int, time] | None:
    """The check-in day (0 = Monday) and local time, read from the reminder that holds them."""
    reminder = await checkin_reminder(session, user_id)
    if reminder is None or not reminder.active:
        return None
    return int(reminder.schedule["weekday"]), parse_hhmm(reminder.schedule["time"])


async def snooze_study(
    session: AsyncSession, clock: Clock, user_id: int, plan_id: int, zone: str, delay: timedelta
) -> datetime:
    """One extra reminder for this plan `delay` from now (replacing an earlier snooze)."""
    plan = await get_plan(session, user_id, plan_id)
    if plan.status != "active":
        raise PlanNotFound(plan_id)
    now = clock.now()
    # Whole minutes: "I'll remind you at 20:00" then means 20:00, not 20:00:37.
    at = (now + delay).replace(second=0, microsecond=0)
    await put_reminder(
        session, clock, user_id, "snooze", {"at": at.isoformat()}, zone, plan_id=plan_id
    )
    return at


async def skip_today(
    session: AsyncSession, clock: Clock, user_id: int, plan_id: int
) -> datetime | None:
    """Skip today's study: a pending snooze is dropped; returns the next study time."""
    plan = await get_plan(session, user_id, plan_id)
    for reminder in await session.scalars(
        select(Reminder).where(Reminder.plan_id == plan.id, Reminder.kind == "snooze")
    ):
        reminder.active = False
    study = await study_reminder(session, plan.id)
    if study is None or not study.active:
        return None
    return study.next_fire_at
