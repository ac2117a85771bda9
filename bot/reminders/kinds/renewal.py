"""Renewal alerts: 90, 30 and 7 days before a held credential expires, and on the day,
each with what the catalog says renewal needs and the issuer's link."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import EarnedCredential
from bot.i18n import Translator, translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.reminders.triggers import next_once
from bot.services.earned import ALERT_DAYS
from bot.services.progress import hours_text
from catalog import Catalog
from catalog.schema import Credential

NOTES_LIMIT = 220


def alert_days(schedule: dict[str, Any]) -> list[dict[str, Any]]:
    """One `next_once` schedule per alert: local time on each day before expiry."""
    expires = date.fromisoformat(str(schedule["expires_on"]))
    at = str(schedule.get("time", "09:00"))
    return [
        {"date": (expires - timedelta(days=days)).isoformat(), "time": at} for days in ALERT_DAYS
    ]


def renewal_needs(t: Translator, credential: Credential | None) -> list[str]:
    """Only what the catalog states: CE hours and the issuer's note."""
    renewal = credential.renewal if credential else None
    lines = []
    if renewal is not None and renewal.ce_hours:
        lines.append(
            t(
                "Renewal needs {hours} continuing-education hours.",
                hours=hours_text(renewal.ce_hours),
            )
        )
    if renewal is not None and renewal.notes:
        notes = " ".join(renewal.notes.split())
        if len(notes) > NOTES_LIMIT:
            notes = notes[: NOTES_LIMIT - 1].rsplit(" ", 1)[0] + "…"
        lines.append(t("Issuer's note: {notes}", notes=html.escape(notes, quote=False)))
    if not lines:
        lines.append(t("The issuer's page says what renewal takes."))
    return lines


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
        links = ((t("Issuer's page"), str(credential.source_url)),) if credential else ()
        return Outgoing("\n".join(lines), (), links)


KIND = RenewalKind()
