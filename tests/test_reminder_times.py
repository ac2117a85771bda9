"""When reminders fall: local times in the user's zone, across DST, and quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.kinds import KINDS
from bot.reminders.policy import quiet_until, zone_of
from bot.reminders.schedules import WEEKLY_CHECKIN, checkin_schedule
from bot.reminders.triggers import next_once, next_weekly, once_at

NEW_YORK = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_weekly_checkin_keeps_its_local_time_across_both_dst_changes() -> None:
    kind = KINDS[WEEKLY_CHECKIN]
    schedule = checkin_schedule(0, time(19, 0))  # Mondays 19:00
    fires_ny, fires_madrid = [], []
    after_ny = after_madrid = utc(2027, 3, 1, 0, 0)
    for _ in range(5):
        after_ny = kind.next_fire(schedule, NEW_YORK, after_ny)  # type: ignore[assignment]
        after_madrid = kind.next_fire(schedule, MADRID, after_madrid)  # type: ignore[assignment]
        fires_ny.append(after_ny)
        fires_madrid.append(after_madrid)
    # US clocks go forward on 14 March 2027, Spain's on 28 March: 19:00 stays 19:00.
    assert fires_ny == [
        utc(2027, 3, 2, 0, 0),  # Mon 1 March 19:00 EST
        utc(2027, 3, 9, 0, 0),
        utc(2027, 3, 15, 23, 0),  # Mon 15 March 19:00 EDT
        utc(2027, 3, 22, 23, 0),
        utc(2027, 3, 29, 23, 0),
    ]
    assert fires_madrid == [
        utc(2027, 3, 1, 18, 0),  # 19:00 CET
        utc(2027, 3, 8, 18, 0),
        utc(2027, 3, 15, 18, 0),
        utc(2027, 3, 22, 18, 0),
        utc(2027, 3, 29, 17, 0),  # 19:00 CEST
    ]


def test_next_occurrence_is_strictly_after_the_one_just_sent() -> None:
    monday_7pm = utc(2026, 11, 24, 0, 0)  # Mon 23 Nov 19:00 in New York
    assert next_weekly(0, time(19, 0), NEW_YORK, monday_7pm) == utc(2026, 12, 1, 0, 0)


def test_weekly_series_can_end() -> None:
    last = next_weekly(0, time(19, 0), NEW_YORK, utc(2026, 11, 24, 1), until=date(2026, 12, 1))
    assert last == utc(2026, 12, 1, 0, 0)
    assert next_weekly(0, time(19, 0), NEW_YORK, last, until=date(2026, 12, 1)) is None  # type: ignore[arg-type]


def test_one_off_local_or_absolute() -> None:
    local = {"date": "2027-03-14", "time": "10:00"}
    assert next_once(local, NEW_YORK, utc(2027, 3, 1)) == utc(2027, 3, 14, 14, 0)  # EDT
    assert next_once(local, MADRID, utc(2027, 3, 1)) == utc(2027, 3, 14, 9, 0)  # CET
    assert next_once(local, NEW_YORK, utc(2027, 3, 14, 14, 0)) is None  # sent: no more
    snooze = once_at(utc(2026, 11, 23, 15, 0))
    assert next_once(snooze, MADRID, utc(2026, 11, 23, 14)) == utc(2026, 11, 23, 15, 0)
    assert next_once(snooze, NEW_YORK, utc(2026, 11, 23, 15)) is None


@pytest.mark.parametrize(
    ("local_now", "start", "end", "wake_local"),
    [
        # default window 21:00-07:00 wraps midnight
        (datetime(2026, 11, 23, 22, 30), None, None, datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 24, 3, 0), None, None, datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 23, 21, 0), None, None, datetime(2026, 11, 24, 7, 0)),
        (datetime(2026, 11, 23, 7, 0), None, None, None),  # the window ends at 07:00
        (datetime(2026, 11, 23, 20, 59), None, None, None),
        # a worker's own window, not wrapping
        (datetime(2026, 11, 23, 13, 0), time(12, 0), time(14, 30), datetime(2026, 11, 23, 14, 30)),
        (datetime(2026, 11, 23, 22, 0), time(12, 0), time(14, 30), None),
        # start == end: no quiet hours at all
        (datetime(2026, 11, 23, 23, 0), time(0, 0), time(0, 0), None),
    ],
)
def test_quiet_hours_window(
    local_now: datetime, start: time | None, end: time | None, wake_local: datetime | None
) -> None:
    now = local_now.replace(tzinfo=NEW_YORK).astimezone(UTC)
    wake = quiet_until(now, NEW_YORK, start, end)
    expected = wake_local.replace(tzinfo=NEW_YORK).astimezone(UTC) if wake_local else None
    assert wake == expected


def test_quiet_hours_end_on_the_night_clocks_go_forward() -> None:
    # 14 March 2027: New York skips 02:00-03:00; 07:00 that morning is 11:00 UTC, not 12:00.
    now = datetime(2027, 3, 13, 23, 0, tzinfo=NEW_YORK).astimezone(UTC)
    assert quiet_until(now, NEW_YORK, None, None) == utc(2027, 3, 14, 11, 0)


def test_unknown_zone_falls_back_to_the_default() -> None:
    assert zone_of("Mars/Olympus_Mons", "America/New_York").key == "America/New_York"
    assert zone_of(None, "Europe/Madrid").key == "Europe/Madrid"
    assert zone_of("America/Chicago", "Europe/Madrid").key == "America/Chicago"
