"""Credentials a worker holds: when they were earned, when they expire, and the renewal
alerts (90, 30 and 7 days before, and on the day) that follow from it."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import EarnedCredential, Reminder
from bot.services.badges import ensure_badge
from bot.services.plans import close_plan, get_plan, put_reminder
from catalog.schema import Credential

ALERT_DAYS = (90, 30, 7, 0)
ALERT_TIME = "09:00"  # a working morning, local time


class Expiry(StrEnum):
    """Why a held credential does or does not get renewal alerts."""

    SCHEDULED = "scheduled"  # an expiry date is known: alerts are set
    NEVER = "never"  # the catalog confirms it never expires
    UNKNOWN = "unknown"  # neither the catalog nor the worker knows the date
    ASK = "ask"  # the catalog does not say: ask the worker for the date


def add_months(day: date, months: int) -> date:
    """Calendar months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_rule(credential: Credential, earned_on: date) -> tuple[Expiry, date | None]:
    """What the catalog says about expiry, and nothing more."""
    renewal = credential.renewal
    if renewal is not None and not renewal.expires:
        return Expiry.NEVER, None
    if renewal is not None and renewal.months:
        return Expiry.SCHEDULED, add_months(earned_on, renewal.months)
    return Expiry.ASK, None


@dataclass(frozen=True)
class Recorded:
    earned_id: int
    expiry: Expiry
    expires_on: date | None
    is_new: bool


async def record_earned(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    credential: Credential,
    earned_on: date,
    zone: str,
    expires_on: date | None = None,
    worker_says_unknown: bool = False,
) -> Recorded:
    """Save (or update) a held credential and set or clear its renewal alerts.

    `expires_on` is the worker's own date; without it the catalog's renewal period is
    used. When neither is known the answer is `Expiry.ASK` (or `UNKNOWN` once the worker
    said they do not know): no alerts either way.
    """
    row = await session.scalar(
        select(EarnedCredential).where(
            EarnedCredential.user_id == user_id, EarnedCredential.credential_id == credential.id
        )
    )
    is_new = row is None
    if row is None:
        row = EarnedCredential(user_id=user_id, credential_id=credential.id, created_at=clock.now())
        session.add(row)
    rule, catalog_expiry = expiry_rule(credential, earned_on)
    if expires_on is not None and rule != Expiry.NEVER:
        rule = Expiry.SCHEDULED
    else:
        expires_on = catalog_expiry
    if rule == Expiry.ASK and worker_says_unknown:
        rule = Expiry.UNKNOWN
    row.earned_on = earned_on
    row.expires_on = expires_on
    await session.flush()
    await ensure_badge(session, clock, row.id)  # every earned credential gets its badge
    if rule == Expiry.SCHEDULED and expires_on is not None:
        schedule = {"expires_on": expires_on.isoformat(), "time": ALERT_TIME}
        await put_reminder(session, clock, user_id, "renewal", schedule, zone, earned_id=row.id)
    else:
        await _stop_alerts(session, row.id)
    return Recorded(row.id, rule, expires_on, is_new)


class NotHeld(LookupError):
    """The credential is not (or no longer) in this worker's list."""


async def record_renewal(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    earned_id: int,
    credential: Credential,
    renewed_on: date,
    zone: str,
    expires_on: date | None = None,
) -> Recorded:
    """The worker renewed a held credential on `renewed_on`: move its expiry and its alerts.

    The new expiry is the worker's date, else one catalog renewal period from the renewal
    date; with neither the answer is `Expiry.ASK` and nothing changes.
    """
    row = await session.get(EarnedCredential, earned_id)
    if row is None or row.user_id != user_id or row.credential_id != credential.id:
        raise NotHeld(earned_id)
    renewal = credential.renewal
    if expires_on is None and renewal is not None and renewal.expires and renewal.months:
        expires_on = add_months(renewed_on, renewal.months)
    if expires_on is None:
        return Recorded(row.id, Expiry.ASK, row.expires_on, is_new=False)
    row.expires_on = expires_on
    schedule = {"expires_on": expires_on.isoformat(), "time": ALERT_TIME}
    await put_reminder(session, clock, user_id, "renewal", schedule, zone, earned_id=row.id)
    return Recorded(row.id, Expiry.SCHEDULED, expires_on, is_new=False)


async def _stop_alerts(session: AsyncSession, earned_id: int) -> None:
    for reminder in await session.scalars(
        select(Reminder).where(Reminder.earned_id == earned_id, Reminder.kind == "renewal")
    ):
        reminder.active = False


async def passed_exam(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    plan_id: int,
    credential: Credential,
    today: date,
    zone: str,
) -> Recorded:
    """The exam is passed: the plan is done and the credential is held from today."""
    plan = await get_plan(session, user_id, plan_id)
    if plan.credential_id != credential.id:
        raise ValueError("plan and credential differ")
    await close_plan(session, clock, user_id, plan_id)
    return await record_earned(session, clock, user_id, credential, today, zone)


@dataclass(frozen=True)
class Held:
    earned_id: int
    credential_id: str
    earned_on: date | None
    expires_on: date | None


async def list_earned(session: AsyncSession, user_id: int) -> list[Held]:
    rows = await session.scalars(
        select(EarnedCredential)
        .where(EarnedCredential.user_id == user_id)
        .order_by(EarnedCredential.id)
    )
    return [Held(r.id, r.credential_id, r.earned_on, r.expires_on) for r in rows]


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "enero", "ene"),
            ("february", "feb", "febrero"),
            ("march", "mar", "marzo"),
            ("april", "apr", "abril", "abr"),
            ("may", "mayo"),
            ("june", "jun", "junio"),
            ("july", "jul", "julio"),
            ("august", "aug", "agosto", "ago"),
            ("september", "sep", "sept", "septiembre", "setiembre"),
            ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"),
            ("december", "dec", "diciembre", "dic"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_NAMED = re.compile(r"(?:(\d{1,2})\s+(?:de\s+)?)?([a-z]+)\.?\s+(?:de\s+|del\s+)?(\d{4})")


def parse_date(text: str) -> date | None:
    """ "2025-03-14", "2025-03", "03/2025", "March 2025", "14 de marzo de 2025", "2025".

    Day-first or month-first numeric dates ("03/04/2025") are ambiguous between the US
    and Spanish-speaking countries, so they are not guessed; a month alone means its 1st.
    """
    folded = " ".join(text[:60].lower().replace(",", " ").split())
    try:
        if match := _ISO.fullmatch(folded):
            return date(int(match[1]), int(match[2]), int(match[3] or 1))
        if match := _MONTH_YEAR.fullmatch(folded):
            return date(int(match[2]), int(match[1]), 1)
        if (match := _NAMED.fullmatch(folded)) and match[2] in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2]], int(match[1] or 1))
        if re.fullmatch(r"\d{4}", folded):
            return date(int(folded), 1, 1)
    except ValueError:  # month 13, February 30th
        return None
    return None
