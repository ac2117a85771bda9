"""Every reminder kind by name: one small module each."""

from __future__ import annotations

from bot.reminders.kinds import renewal, snooze, study, weekly_checkin
from bot.reminders.kinds.base import ReminderKind

KINDS: dict[str, ReminderKind] = {
    kind.name: kind for kind in (study.KIND, snooze.KIND, weekly_checkin.KIND, renewal.KIND)
}
