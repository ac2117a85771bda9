"""The registry of reminder kinds: one module per kind, keyed by `Reminder.kind`.

A new kind is a module with a `KIND` object that fulfils `ReminderKind` (see base.py),
added to `KINDS` here.
"""

from __future__ import annotations

from bot.reminders.kinds import renewal, snooze, study, weekly_checkin
from bot.reminders.kinds.base import Due, Outgoing, ReminderKind

KINDS: dict[str, ReminderKind] = {
    kind.name: kind for kind in (weekly_checkin.KIND, study.KIND, snooze.KIND, renewal.KIND)
}

__all__ = ["KINDS", "Due", "Outgoing", "ReminderKind"]
