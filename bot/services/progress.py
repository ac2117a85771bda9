"""Study logged against a plan: reading "45m" or "estudié 2 horas", and the figures.

A log is one `ProgressLog` row (one sitting). Hours plans measure hours; plans made with
"not sure" count sessions, because most catalog records do not state their hours.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Plan, ProgressLog

MAX_MINUTES = 16 * 60  # more than a long day of study in one log is a typo, not a record
BAR_CELLS = 8
PACE_GRACE = timedelta(weeks=1)

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "un": 1, "una": 1, "uno": 1, "dos": 2,
    "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10,
}  # fmt: skip
# Digits with at most one decimal separator (a comma in Spanish): "1e309", "0x10", "-2"
# and "inf" never match, so float() never sees them.
_NUMBER = r"(\d{1,3}(?:[.,]\d{1,2})?|" + "|".join(sorted(_WORD_NUMBERS, key=len)[::-1]) + ")"
_HOURS = r"(?:h|hr|hrs|hour|hours|hora|horas)"
_MINUTES = r"(?:m|min|mins|minute|minutes|minuto|minutos)"
_HALF = r"(?:and\s+a\s+half|y\s+media)"
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"(?:half\s+an?\s+hour|media\s+hora)", "half"),
        (rf"{_NUMBER}\s*{_HOURS}\s*{_HALF}|{_NUMBER}\s+{_HALF}\s+{_HOURS}", "and_half"),
        (rf"(?:an?\s+|una\s+)?{_HOURS}\s*{_HALF}", "hour_half"),
        (rf"{_NUMBER}\s*{_HOURS}(?:\s*(?:and\s+|y\s+)?(\d{{1,2}})\s*{_MINUTES}?)?", "hours"),
        (rf"{_NUMBER}\s*{_MINUTES}", "minutes"),
        (r"(\d{1,2}):(\d{2})", "clock"),
        (_NUMBER, "bare"),
    )
)
_STUDIED = re.compile(
    r"^(?:i\s+|yo\s+|hoy\s+|today\s+)?"
    r"(?:studied|study|did|estudie|he\s+estudiado|estudiado)\s+"
    r"(?:for\s+|por\s+|durante\s+|about\s+|like\s+|around\s+|unas\s+|como\s+)*"
    r"(?P<amount>.+?)"
    r"(?:\s+(?:today|tonight|hoy|esta\s+noche|de\s+estudio))?[\s.!]*$"
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text[:80].lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _number(text: str) -> float:
    return float(_WORD_NUMBERS.get(text, 0) or text.replace(",", "."))


def parse_duration(text: str) -> int | None:
    """ "45m", "1.5h", "1,5 horas", "1h30", "1:30", "half an hour", "2" → minutes.

    A bare number reads as a person means it: under 10 is hours ("/log 2"), otherwise
    minutes ("/log 45"). None for anything else, zero, or more than `MAX_MINUTES`.
    """
    folded = _fold(text).strip(" .!")
    for pattern, kind in _FORMS:
        match = pattern.fullmatch(folded)
        if match is None:
            continue
        groups = [g for g in match.groups() if g is not None]
        if kind == "half":
            minutes = 30.0
        elif kind == "hour_half":
            minutes = 90.0
        elif kind == "and_half":
            minutes = _number(groups[0]) * 60 + 30
        elif kind == "hours":
            extra = int(groups[1]) if len(groups) > 1 else 0
            if extra >= 60:
                return None
            minutes = _number(groups[0]) * 60 + extra
        elif kind == "minutes":
            minutes = _number(groups[0])
        elif kind == "clock":
            if int(groups[1]) >= 60:
                return None
            minutes = int(groups[0]) * 60 + int(groups[1])
        else:
            value = _number(groups[0])
            minutes = value * 60 if value < 10 else value
        whole = round(minutes)
        return whole if 0 < whole <= MAX_MINUTES else None
    return None


def parse_study_text(text: str) -> int | None:
    """ "studied 2 hours", "estudié 45 minutos", "I studied for 1h30" → minutes, else None."""
    match = _STUDIED.fullmatch(_fold(text))
    return parse_duration(match.group("amount")) if match else None


def duration_text(minutes: int) -> str:
    """45 → "45 min", 90 → "1 h 30 min", 120 → "2 h" (the same in English and Spanish)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def hours_text(hours: float) -> str:
    """9.0 → "9", 8.5 → "8.5": one decimal at most, none when whole."""
    return f"{round(hours, 1):g}"


@dataclass(frozen=True)
class Progress:
    """Where a plan stands; `today` is the worker's local date."""

    plan_id: int
    credential_id: str
    status: str
    hours_done: float
    sessions_done: int
    planned_hours: float | None
    planned_sessions: int | None
    weekly_hours: int | None
    target_date: date | None
    started_on: date

    @property
    def by_hours(self) -> bool:
        return self.planned_hours is not None

    @property
    def done(self) -> float:
        return self.hours_done if self.by_hours else self.sessions_done

    @property
    def planned(self) -> float:
        return (self.planned_hours if self.by_hours else self.planned_sessions) or 0

    @property
    def left(self) -> float:
        return max(self.planned - self.done, 0)

    @property
    def percent(self) -> int:
        # Floor: "100%" only once the work is really done.
        return min(math.floor(100 * self.done / self.planned), 100) if self.planned else 0

    @property
    def bar(self) -> str:
        filled = self.percent * BAR_CELLS // 100
        return "▓" * filled + "░" * (BAR_CELLS - filled)

    @property
    def reached(self) -> bool:
        return bool(self.planned) and self.done >= self.planned

    def expected_by(self, today: date) -> float:
        """What a steady pace from the start to the target date would have done by today."""
        if self.target_date is None or self.target_date <= self.started_on:
            return self.planned
        span = (self.target_date - self.started_on).days
        elapsed = min(max((today - self.started_on).days, 0), span)
        return self.planned * elapsed / span

    def on_track(self, today: date) -> bool:
        # A week of grace: "behind" two days after starting, before the first study day
        # comes round, would only discourage.
        return self.done + 1e-9 >= self.expected_by(today - PACE_GRACE)


async def progress_of(session: AsyncSession, plan: Plan, zone_today: date) -> Progress:
    hours, sessions = (
        await session.execute(
            select(
                func.coalesce(func.sum(ProgressLog.hours), 0.0), func.count(ProgressLog.id)
            ).where(ProgressLog.plan_id == plan.id)
        )
    ).one()
    started = plan.started_at.date()
    return Progress(
        plan_id=plan.id,
        credential_id=plan.credential_id,
        status=plan.status,
        hours_done=round(float(hours), 2),
        sessions_done=int(sessions),
        planned_hours=plan.planned_hours,
        planned_sessions=plan.planned_sessions,
        weekly_hours=plan.weekly_hours,
        target_date=plan.target_date,
        started_on=min(started, zone_today),
    )


class NoActivePlan(LookupError):
    """Logging needs a plan to log against."""


class WhichPlan(LookupError):
    """Several active plans: the worker picks one."""

    def __init__(self, plan_ids: list[int]) -> None:
        super().__init__("several active plans")
        self.plan_ids = plan_ids


@dataclass(frozen=True)
class Logged:
    minutes: int
    progress: Progress
    just_reached: bool  # this log took the plan to its planned hours or sessions


async def log_study(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    minutes: int,
    today: date,
    plan_id: int | None = None,
) -> Logged:
    """Record one sitting against `plan_id`, or the only active plan.

    Raises `NoActivePlan` or `WhichPlan` (the handler asks which one).
    """
    if not 0 < minutes <= MAX_MINUTES:
        raise ValueError("minutes out of range")
    query = select(Plan).where(Plan.user_id == user_id)
    if plan_id is not None:
        query = query.where(Plan.id == plan_id, Plan.status.in_(("active", "paused", "done")))
    else:
        query = query.where(Plan.status == "active").order_by(Plan.id)
    plans = list(await session.scalars(query))
    if not plans:
        raise NoActivePlan
    if len(plans) > 1:
        raise WhichPlan([p.id for p in plans])
    plan = plans[0]
    before = await progress_of(session, plan, today)
    session.add(ProgressLog(plan_id=plan.id, logged_at=clock.now(), hours=round(minutes / 60, 2)))
    await session.flush()
    after = await progress_of(session, plan, today)
    return Logged(minutes, after, just_reached=after.reached and not before.reached)


async def logs_between(
    session: AsyncSession, plan_ids: list[int], start: datetime, end: datetime
) -> tuple[float, int]:
    """Hours and sessions logged on these plans in [start, end)."""
    if not plan_ids:
        return 0.0, 0
    hours, count = (
        await session.execute(
            select(
                func.coalesce(func.sum(ProgressLog.hours), 0.0), func.count(ProgressLog.id)
            ).where(
                ProgressLog.plan_id.in_(plan_ids),
                ProgressLog.logged_at >= start,
                ProgressLog.logged_at < end,
            )
        )
    ).one()
    return round(float(hours), 2), int(count)


async def week_streak(
    session: AsyncSession, plan_ids: list[int], end: datetime, limit: int = 52
) -> int:
    """Consecutive 7-day windows ending at `end` with something logged (this week first)."""
    streak = 0
    for week in range(limit):
        stop = end - timedelta(days=7 * week)
        _, count = await logs_between(session, plan_ids, stop - timedelta(days=7), stop)
        if not count:
            break
        streak += 1
    return streak
