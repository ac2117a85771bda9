"""Renewal alerts: 90, 30 and 7 days before a held credential expires, and on the day,
each with what the catalog says renewal needs and the issuer's link."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import Flow
from bot.db.models import EarnedCredential
from bot.i18n import Translator, translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.triggers import next_once
from bot.services.earned import ALERT_DAYS
from bot.services.progress import hours_text
from catalog import Catalog
from catalog.schema import Credential

NOTES_LIMIT = 220
RENEWED = "renewed"  # the alert's button: handlers/earned.py records the renewal


def alert_days(schedule: dict[str, Any]) -> list[dict[str, Any]]:
    """One `next_once` schedule per alert: local time on each day before expiry."""
    expires = date.fromisoformat(str(schedule["expires_on"]))
    at = str(schedule.get("time", "09:00"))
    return [
        {"date": (expires - timedelta(days=days)).isoformat(), "time": at} for days in ALERT_DAYS
    ]


def renewal_needs(t: Translator, credential: Credential | None) -> list[str]:
    """Every renewal fact the catalog has, and plainly what it does not know.

    The catalog's `renewal` holds the period, the continuing-education hours and the
    issuer's note; it has no field for a renewal exam or fee, so those are said to be
    unknown rather than guessed (the note sometimes mentions them).
    """
    renewal = credential.renewal if credential else None
    if renewal is None:
        return [t("The catalog has no renewal facts for it yet: the issuer's page says.")]
    lines = []
    if renewal.months:
        lines.append(t("It renews every {months} months.", months=renewal.months))
    else:
        lines.append(t("The catalog doesn't know how often it renews."))
    if renewal.ce_hours is None:
        lines.append(t("Continuing-education hours: not in the catalog."))
    elif renewal.ce_hours == 0:
        lines.append(t("Renewal needs no continuing-education hours."))
    else:
        lines.append(
            t(
                "Renewal needs {hours} continuing-education hours.",
                hours=hours_text(renewal.ce_hours),
            )
        )
    lines.append(t("Exam or fee to renew: not in the catalog; the issuer's page says."))
    if renewal.notes:
        notes = " ".join(renewal.notes.split())
        if len(notes) > NOTES_LIMIT:
            notes = notes[: NOTES_LIMIT - 1].rsplit(" ", 1)[0] + "…"
        lines.append(t("Issuer's note: {notes}", notes=html.escape(notes, quote=False)))
    return lines


def issuer_link(credential: Credential) -> str:
    """The page that states the renewal rule when it is the issuer's own, else the
    credential's page."""
    ref = credential.source("renewal")
    if ref is not None and not ref.third_party:
        return str(ref.url)
    return str(credential.source_url)


class RenewalKind:
    name = "renewal"
    stale_after: timedelta | None = None  # late is still worth knowing; never skip

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        fires = (next_once(alert, zone, after) for alert in alert_days(schedule))
        return next((fire for fire in fires if fire is not None), None)

    async def compose(
        self, session: AsyncSession, catalog: Catalog, due: Due, now: datetime
    ) -> Outgoing | None:
        earned = await session.get(EarnedCredential, due.earned_id) if due.earned_id else None
        if earned is None or earned.expires_on is None:
            return None
        t = translator(due.language)
        credential = catalog.credentials.get(earned.credential_id)
        name = html.escape(credential.name if credential else earned.credential_id, quote=False)
        today = now.astimezone(ZoneInfo(due.timezone)).date()
        left = (earned.expires_on - today).days
        on = earned.expires_on.isoformat()
        if left > 0:
            head = t(
                "Your <b>{name}</b> expires in {days} days, on {date}.",
                name=name,
                days=left,
                date=on,
            )
        elif left == 0:
            head = t("Your <b>{name}</b> expires today.", name=name)
        else:
            head = t("Your <b>{name}</b> expired on {date}.", name=name, date=on)
        lines = ["🔔 " + head, *renewal_needs(t, credential)]
        links = ((t("Issuer's page"), issuer_link(credential)),) if credential else ()
        renewed = ((t("✅ I renewed it"), Flow.EARNED, RENEWED, earned.id),)
        return Outgoing("\n".join(lines), (renewed,), links)


KIND = RenewalKind()
