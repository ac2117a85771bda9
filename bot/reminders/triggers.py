"""Next occurrences from APScheduler's triggers, in the user's zone, returned in UTC.

APScheduler computes wall-clock times across daylight-saving changes (a 19:00 check-in
stays at 19:00 local when the offset moves); these helpers only add "strictly after" and
the schedule formats the kinds store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.reminders.schedules import parse_hhmm

# APScheduler returns the first time >= the one given; reminders want strictly after, so a
# reminder recorded at its own fire time does not come straight back.
_JUST_AFTER = timedelta(microseconds=1)


def next_cron(after: datetime, zone: ZoneInfo, **fields: Any) -> datetime | None:
    """The next time matching CronTrigger `fields` (day_of_week, hour, minute, end_date...)."""
    trigger = CronTrigger(timezone=zone, **fields)
    fire = trigger.get_next_fire_time(None, (after + _JUST_AFTER).astimezone(zone))
    return fire.astimezone(UTC) if fire is not None else None


def next_weekly(
    weekday: int, at: time, zone: ZoneInfo, after: datetime, *, until: date | None = None
) -> datetime | None:
    """Every `weekday` (0 = Monday) at `at` local time, optionally ending on `until`."""
    end = datetime.combine(until, time(23, 59, 59)) if until is not None else None
    return next_cron(after, zone, day_of_week=weekday, hour=at.hour, minute=at.minute, end_date=end)


def next_once(schedule: dict[str, Any], zone: ZoneInfo, after: datetime) -> datetime | None:
    """A one-off occurrence, if it is still ahead of `after`.

    The schedule is either {"at": ISO instant with offset} (a snooze: "in one hour" does not
    depend on the zone) or {"date": "YYYY-MM-DD", "time": "HH:MM"} in the user's local time
    (a renewal alert: "10:00 on the day", wherever the user now lives).
    """
    if "at" in schedule:
        trigger = DateTrigger(run_date=datetime.fromisoformat(schedule["at"]))
    else:
        local = datetime.combine(
            date.fromisoformat(schedule["date"]), parse_hhmm(schedule.get("time", "10:00"))
        )
        trigger = DateTrigger(run_date=local, timezone=zone)
    fire = trigger.get_next_fire_time(None, after)
    if fire is None or fire <= after:
        return None
    return fire.astimezone(UTC)


def once_at(instant: datetime) -> dict[str, Any]:
    """The schedule of a one-off at an absolute instant (for `next_once`)."""
    if instant.tzinfo is None:
        raise ValueError("a one-off reminder needs an aware datetime")
    return {"at": instant.astimezone(UTC).isoformat()}
