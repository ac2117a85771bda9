"""The user's clock as reminders see it: their zone, their quiet hours, pause reasons.

Kept apart from the engine so services can use it without importing the kind registry.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.reminders.triggers import next_cron

DEFAULT_QUIET = (time(21, 0), time(7, 0))  # local; a reminder then waits for the morning
BLOCKED = "blocked"  # Reminder.paused_by when the user blocked the bot


def zone_of(name: str | None, default_tz: str) -> ZoneInfo:
    """The user's zone, or the operator's default when unset or unknown to tzdata."""
    try:
        return ZoneInfo(name or default_tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default_tz)


def quiet_until(
    now: datetime, zone: ZoneInfo, start: time | None, end: time | None
) -> datetime | None:
    """The end of the quiet window (UTC) when `now` falls inside it, else None.

    The window is [start, end) local time and may wrap midnight (21:00-07:00); start == end
    means no quiet hours. The end is the next `end` o'clock in the zone, which APScheduler's
    CronTrigger finds correctly on daylight-saving days.
    """
    start, end = (start, end) if start is not None and end is not None else DEFAULT_QUIET
    if start == end:
        return None
    local = now.astimezone(zone).time().replace(tzinfo=None)
    inside = start <= local < end if start < end else (local >= start or local < end)
    if not inside:
        return None
    return next_cron(now, zone, hour=end.hour, minute=end.minute, second=end.second)
