"""Kind names and the schedule dicts they store, importable from anywhere.

Services that create reminders import this module, not `bot.reminders.kinds`: kind
modules compose their messages from services, so importing the registry from a service at
module level would be circular.
"""

from __future__ import annotations

from datetime import time
from typing import Any

WEEKLY_CHECKIN = "weekly_checkin"


def parse_hhmm(value: str) -> time:
    hour, minute = (int(part) for part in value.split(":"))
    return time(hour, minute)


def checkin_schedule(weekday: int, at: time) -> dict[str, Any]:
    """The weekly check-in's schedule: {"weekday": 0-6 (0 = Monday), "time": "HH:MM"}."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0-6, not {weekday}")
    return {"weekday": weekday, "time": at.strftime("%H:%M")}
