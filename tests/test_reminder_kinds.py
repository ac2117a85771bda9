"""When each reminder kind fires, in the worker's own zone, across daylight-saving days."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.reminders.kinds import KINDS

MWF_7PM = {"days": [0, 2, 4], "time": "19:00"}


def fires(kind: str, schedule: dict, zone: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` occurrences, each strictly after the one before."""
    out: list[datetime] = []
    for _ in range(count):
        following = KINDS[kind].next_fire(schedule, ZoneInfo(zone), after)
        if following is None:
            break
        out.append(following)
        after = following
    return out


def test_study_reminders_at_local_time_in_two_zones_across_dst() -> None:
    # Friday 2027-03-12: Chicago moves to CDT on Sunday 03-14, Madrid only on 03-28.
    after = datetime(2027, 3, 12, 12, 0, tzinfo=UTC)
    assert fires("study", MWF_7PM, "America/Chicago", after, 3) == [
        datetime(2027, 3, 13, 1, 0, tzinfo=UTC),  # Fri 19:00 CST (UTC-6)
        datetime(2027, 3, 16, 0, 0, tzinfo=UTC),  # Mon 19:00 CDT (UTC-5)
        datetime(2027, 3, 18, 0, 0, tzinfo=UTC),  # Wed 19:00 CDT
    ]
    after = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    assert fires("study", MWF_7PM, "Europe/Madrid", after, 2) == [
        datetime(2027, 3, 26, 18, 0, tzinfo=UTC),  # Fri 19:00 CET (UTC+1)
        datetime(2027, 3, 29, 17, 0, tzinfo=UTC),  # Mon 19:00 CEST (UTC+2)
    ]


def test_a_study_time_is_never_repeated() -> None:
    at = datetime(2027, 3, 13, 1, 0, tzinfo=UTC)  # exactly a fire time
    following = KINDS["study"].next_fire(MWF_7PM, ZoneInfo("America/Chicago"), at)
    assert following == datetime(2027, 3, 16, 0, 0, tzinfo=UTC)
    assert KINDS["study"].next_fire({"days": [], "time": "19:00"}, ZoneInfo("UTC"), at) is None


def test_renewal_alerts_90_30_7_and_on_the_day_then_nothing() -> None:
    schedule = {"expires_on": "2027-11-23", "time": "09:00"}
    after = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert fires("renewal", schedule, "America/Chicago", after, 5) == [
        datetime(2027, 8, 25, 14, 0, tzinfo=UTC),  # 90 days before, 09:00 CDT
        datetime(2027, 10, 24, 14, 0, tzinfo=UTC),  # 30 days before, 09:00 CDT
        datetime(2027, 11, 16, 15, 0, tzinfo=UTC),  # 7 days before, 09:00 CST
        datetime(2027, 11, 23, 15, 0, tzinfo=UTC),  # the day itself
    ]


def test_snooze_fires_once() -> None:
    at = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    schedule = {"at": at.isoformat()}
    before = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert fires("snooze", schedule, "America/Chicago", before, 3) == [at]
