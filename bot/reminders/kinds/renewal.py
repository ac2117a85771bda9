"""Renewal alerts: 90, 30 and 7 days before a held credential expires, and on the day,
each with what the catalog says renewal needs and the issuer's link."""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.date import DateTrigger
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import EarnedCredential
from bot.i18n import Translator, translator
from bot.reminders.kinds.base import Due, Outgoing
from bot.services.earned import ALERT_DAYS
from bot.services.progress import hours_text
from catalog import Catalog
from catalog.schema import Credential

NOTES_LIMIT = 220


def alert_times(schedule: dict[str, Any], zone: ZoneInfo) -> list[datetime]:
    """Each alert at the schedule's local time; DateTrigger localises it in the zone."""
    expires = date.fromisoformat(str(schedule["expires_on"]))
    hour, minute = (int(part) for part in str(schedule.get("time", "09:00")).split(":"))
    times = []
    for days in ALERT_DAYS:
        local = datetime.combine(expires - timedelta(days=days), time(hour, minute))
        fire = DateTrigger(run_date=local, timezone=zone).get_next_fire_time(None, local)
        if fire is not None:
            times.append(fire)
    return times


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
        return next((fire for fire in alert_times(schedule, zone) if fire > after), None)

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
