"""The reminder engine end to end: the real bot sends through PTB's HTTP stack to the
emulator while the tests move the shared clock and run the dispatcher."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.models import Reminder, User
from bot.reminders import engine
from bot.reminders.dispatcher import JOB_NAME, TickReport, dispatch_due
from bot.reminders.kinds import KINDS, Due, Outgoing
from bot.reminders.triggers import next_cron
from bot.services import plans, profiles, reminders
from emulator import EmulatedUser
from tests.conftest import Harness
from tests.story import reply_to

NEW_YORK = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
CHECKIN_TEXT = "Weekly check-in"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def worker_with_checkin(
    harness: Harness, user_id: int, zone: str, weekday: int, at: time
) -> EmulatedUser:
    """A worker who said hello and has a weekly check-in (what "Start a plan" stores)."""
    worker = harness.emulator.user(user_id, f"W{user_id}", language_code="en")
    await reply_to(worker, worker.send("/help"))
    services = harness.services
    default = services.settings.default_timezone
    async with services.sessions.begin() as session:
        await profiles.set_timezone(session, services.clock, user_id, zone, default_tz=default)
        await plans.schedule_weekly_checkin(session, services.clock, user_id, weekday, at, default)
    return worker


async def tick_at(harness: Harness, moment: datetime) -> TickReport:
    """Move the clock to `moment` and run the dispatcher once."""
    harness.clock.advance(moment - harness.clock.now())
    return await dispatch_due(harness.running.application)  # type: ignore[union-attr]


def checkins(worker: EmulatedUser) -> int:
    return sum(CHECKIN_TEXT in m.text for m in worker.messages)


async def reminder_of(harness: Harness, user_id: int) -> Reminder:
    async with harness.services.sessions() as session:
        row = await session.scalar(select(Reminder).where(Reminder.user_id == user_id))
    assert row is not None
    return row


async def test_checkins_arrive_at_local_time_in_two_zones_across_dst(harness: Harness) -> None:
    harness.clock.advance(utc(2027, 3, 8, 12, 0) - harness.clock.now())  # a Monday morning
    ana = await worker_with_checkin(harness, 3101, "America/New_York", 0, time(19, 0))
    leo = await worker_with_checkin(harness, 3102, "Europe/Madrid", 0, time(19, 0))
    # Mondays 19:00 local: the US changes clocks on 14 March, Spain on 28 March.
    expected = [
        (utc(2027, 3, 8, 18, 0), leo),
        (utc(2027, 3, 9, 0, 0), ana),
        (utc(2027, 3, 15, 18, 0), leo),
        (utc(2027, 3, 15, 23, 0), ana),  # 19:00 EDT
        (utc(2027, 3, 22, 18, 0), leo),
        (utc(2027, 3, 22, 23, 0), ana),
        (utc(2027, 3, 29, 17, 0), leo),  # 19:00 CEST
        (utc(2027, 3, 29, 23, 0), ana),
    ]
    counts = {ana.id: 0, leo.id: 0}
    for moment, worker in expected:
        early = await tick_at(harness, moment - timedelta(seconds=1))
        assert early.sent == 0, (moment, early)
        on_time = await tick_at(harness, moment)
        assert on_time.sent == 1, (moment, on_time)
        counts[worker.id] += 1
        assert (checkins(ana), checkins(leo)) == (counts[ana.id], counts[leo.id]), moment


async def test_quiet_hours_hold_a_late_checkin_until_morning(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3201, "America/New_York", 0, time(22, 0))
    ten_pm = utc(2026, 11, 24, 3, 0)  # Mon 23 Nov 22:00 EST
    held = await tick_at(harness, ten_pm)
    assert (held.sent, held.deferred) == (0, 1)
    assert checkins(worker) == 0
    seven_am = utc(2026, 11, 24, 12, 0)  # Tue 07:00 EST, the end of 21:00-07:00
    assert (await reminder_of(harness, 3201)).next_fire_at == seven_am
    assert (await tick_at(harness, seven_am - timedelta(seconds=1))).sent == 0
    assert (await tick_at(harness, seven_am)).sent == 1
    assert checkins(worker) == 1  # deferred, never dropped
    assert (await reminder_of(harness, 3201)).next_fire_at == utc(2026, 12, 1, 3, 0)


async def test_downtime_sends_each_overdue_reminder_once(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3301, "America/New_York", 0, time(19, 0))
    # Three Mondays pass while the bot is down; it comes back on a Wednesday afternoon.
    report = await tick_at(harness, utc(2026, 12, 9, 18, 0))
    assert report.sent == 1
    assert (await dispatch_due(harness.running.application)).sent == 0  # type: ignore[union-attr]
    assert checkins(worker) == 1
    assert (await reminder_of(harness, 3301)).next_fire_at == utc(2026, 12, 15, 0, 0)


@dataclass(frozen=True)
class DailyStudy:
    """A stand-in for a study reminder: 18:00 local daily, useless two hours late."""

    name: str = "test_daily"
    stale_after: timedelta | None = timedelta(hours=2)

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        return next_cron(after, zone, hour=18, minute=0)

    async def compose(self, session: Any, catalog: Any, due: Due, now: datetime) -> Outgoing:
        return Outgoing(text="Study time: 30 minutes of OSHA 10 today.")


async def test_a_stale_reminder_is_skipped_and_rescheduled(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(KINDS, "test_daily", DailyStudy())
    worker = await worker_with_checkin(harness, 3401, "America/New_York", 3, time(12, 0))
    services = harness.services
    async with services.sessions.begin() as session:
        row = await reminders.add_reminder(
            session, services.clock, 3401, "test_daily", {}, default_tz="America/New_York"
        )
    assert row.next_fire_at == utc(2026, 11, 23, 23, 0)  # today 18:00 EST
    assert (await tick_at(harness, utc(2026, 11, 23, 23, 30))).sent == 1  # 30 min late: fine
    # The bot is down from before 18:00 Tuesday until 21:00 (three hours late): skip it.
    skipped = await tick_at(harness, utc(2026, 11, 25, 2, 0))
    assert (skipped.sent, skipped.skipped) == (0, 1)
    study = [m for m in worker.messages if m.text.startswith("Study time")]
    assert len(study) == 1
    async with services.sessions() as session:
        again = await session.get(Reminder, row.id)
    assert again is not None and again.next_fire_at == utc(2026, 11, 25, 23, 0)  # Wed 18:00


async def test_a_blocked_user_pauses_and_resumes_on_return(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3501, "America/New_York", 0, time(19, 0))
    harness.emulator.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    blocked = await tick_at(harness, utc(2026, 11, 24, 0, 0))
    assert (blocked.sent, blocked.blocked) == (0, 1)
    async with harness.services.sessions() as session:
        user = await session.get(User, 3501)
        row = await session.scalar(select(Reminder).where(Reminder.user_id == 3501))
    assert user is not None and not user.is_active
    assert row is not None and row.paused_by == "blocked" and row.next_fire_at is None
    # Three silent weeks: nothing is even attempted.
    assert (await tick_at(harness, utc(2026, 12, 15, 12, 0))).sent == 0
    before = len(harness.emulator.calls_to("sendMessage"))
    assert (await tick_at(harness, utc(2026, 12, 16, 12, 0))).sent == 0
    assert len(harness.emulator.calls_to("sendMessage")) == before
    # The worker comes back (Wednesday): the check-in resumes from the next Monday on.
    await reply_to(worker, worker.send("/help"))
    row = await reminder_of(harness, 3501)
    assert row.paused_by is None and row.next_fire_at == utc(2026, 12, 22, 0, 0)
    assert (await tick_at(harness, utc(2026, 12, 22, 0, 0))).sent == 1
    assert checkins(worker) == 1


async def test_blocking_in_telegram_pauses_reminders_at_once(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3502, "America/New_York", 0, time(19, 0))
    await worker.block()
    for _ in range(50):  # the bot hears about it through a my_chat_member update
        if (await reminder_of(harness, 3502)).paused_by == "blocked":
            break
        await asyncio.sleep(0.05)
    assert (await reminder_of(harness, 3502)).paused_by == "blocked"
    await worker.unblock()
    for _ in range(50):
        if (await reminder_of(harness, 3502)).paused_by is None:
            break
        await asyncio.sleep(0.05)
    assert (await reminder_of(harness, 3502)).next_fire_at == utc(2026, 11, 24, 0, 0)


async def test_a_move_or_another_resume_leaves_paused_and_switched_off_reminders_alone(
    harness: Harness,
) -> None:
    await worker_with_checkin(harness, 3503, "America/New_York", 0, time(19, 0))
    services, clock = harness.services, harness.clock
    default = services.settings.default_timezone
    async with services.sessions.begin() as session:
        assert await reminders.pause_user_reminders(session, 3503, "blocked") == 1
        # She moves while the bot is blocked: the move does not wake the check-in...
        await profiles.set_timezone(session, clock, 3503, "America/Chicago", default_tz=default)
        assert await reminders.reschedule_user(session, clock, 3503, default) == 0
        # ...nor does resuming a "Pause all" she never pressed.
        assert await reminders.resume_user_reminders(session, clock, 3503, "user", default) == 0
    row = await reminder_of(harness, 3503)
    assert (row.paused_by, row.next_fire_at) == ("blocked", None)

    async with services.sessions.begin() as session:
        assert await reminders.resume_after_block(session, clock, 3503, default) == 1
    row = await reminder_of(harness, 3503)
    assert (row.paused_by, row.next_fire_at) == (None, utc(2026, 11, 24, 1, 0))  # Mon 19:00 CST

    # A switched-off reminder stays off when she moves again.
    async with services.sessions.begin() as session:
        off = await session.get(Reminder, row.id)
        assert off is not None
        off.active, off.next_fire_at = False, None
        await profiles.set_timezone(session, clock, 3503, "America/Denver", default_tz=default)
        assert await reminders.reschedule_user(session, clock, 3503, default) == 0
    row = await reminder_of(harness, 3503)
    assert (row.active, row.next_fire_at) == (False, None)


async def test_a_refused_message_is_not_retried_forever(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3601, "America/New_York", 0, time(19, 0))
    harness.emulator.fail_next(
        "sendMessage", status=400, description="Bad Request: can't parse entities"
    )
    refused = await tick_at(harness, utc(2026, 11, 24, 0, 0))
    assert (refused.sent, refused.rejected) == (0, 1)
    row = await reminder_of(harness, 3601)
    assert row.next_fire_at == utc(2026, 12, 1, 0, 0) and row.attempts == 0 and row.active
    assert (await tick_at(harness, utc(2026, 11, 30, 12, 0))).sent == 0
    assert (await tick_at(harness, utc(2026, 12, 1, 0, 0))).sent == 1  # next week's goes out
    assert checkins(worker) == 1


async def send_until_delivered(harness: Harness, first: datetime, rounds: int = 8) -> int:
    """Tick at `first`, then every 15 minutes (the backoff cap) until one send succeeds."""
    moment = first
    for attempt in range(rounds):
        if (await tick_at(harness, moment)).sent:
            return attempt + 1
        moment += engine.BACKOFF_CAP
    raise AssertionError(f"not delivered in {rounds} rounds")


async def test_server_errors_delay_but_never_lose_a_reminder(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3701, "America/New_York", 0, time(19, 0))
    harness.emulator.fail_next("sendMessage", status=502, count=2)
    harness.emulator.fail_next("sendMessage", status=500)
    await send_until_delivered(harness, utc(2026, 11, 24, 0, 0))
    assert checkins(worker) == 1
    row = await reminder_of(harness, 3701)
    assert row.next_fire_at == utc(2026, 12, 1, 0, 0) and row.attempts == 0
    assert (await dispatch_due(harness.running.application)).sent == 0  # type: ignore[union-attr]


async def test_timeouts_delay_but_never_lose_a_reminder(harness: Harness) -> None:
    harness.settings = harness.settings.model_copy(update={"reminder_send_timeout": 0.3})
    await harness.restart()
    worker = await worker_with_checkin(harness, 3702, "America/New_York", 0, time(19, 0))
    harness.emulator.fail_next("sendMessage", status=504, hang=0.6)
    await send_until_delivered(harness, utc(2026, 11, 24, 0, 0))
    assert checkins(worker) == 1
    assert (await reminder_of(harness, 3702)).attempts == 0


async def test_a_transient_failure_backs_off_with_a_growing_bounded_wait(harness: Harness) -> None:
    await worker_with_checkin(harness, 3703, "America/New_York", 0, time(19, 0))
    services = harness.services
    waits = []
    now = utc(2026, 11, 24, 0, 0)
    harness.clock.advance(now - harness.clock.now())
    for _ in range(7):
        async with services.sessions.begin() as session:
            batch = await engine.claim(
                session, now, default_tz="UTC", limit=10, lease=timedelta(minutes=2)
            )
        assert [d.user_id for d in batch.due] == [3703]
        async with services.sessions.begin() as session:
            failed = [engine.Result(batch.due[0], engine.Outcome.TRANSIENT)]
            await engine.record(session, now, batch, failed)
        row = await reminder_of(harness, 3703)
        assert row.next_fire_at == batch.due[0].fire_at  # still the same occurrence
        assert row.lease_until is not None
        waits.append(row.lease_until - now)
        now = row.lease_until
    minutes = [w.total_seconds() / 60 for w in waits]
    assert minutes == [0.5, 1, 2, 4, 8, 15, 15]


async def test_a_restart_mid_week_loses_and_doubles_nothing(harness: Harness) -> None:
    worker = await worker_with_checkin(harness, 3801, "America/New_York", 0, time(19, 0))
    assert (await tick_at(harness, utc(2026, 11, 24, 0, 0))).sent == 1
    harness.clock.advance(utc(2026, 11, 26, 15, 0) - harness.clock.now())  # Thursday
    await harness.restart()
    assert (await tick_at(harness, utc(2026, 11, 30, 23, 59))).sent == 0
    assert (await tick_at(harness, utc(2026, 12, 1, 0, 0))).sent == 1
    assert (await dispatch_due(harness.running.application)).sent == 0  # type: ignore[union-attr]
    assert checkins(worker) == 2


async def test_a_crash_between_claim_and_send_repeats_nothing_and_loses_nothing(
    harness: Harness,
) -> None:
    worker = await worker_with_checkin(harness, 3802, "America/New_York", 0, time(19, 0))
    due_at = utc(2026, 11, 24, 0, 0)
    harness.clock.advance(due_at - harness.clock.now())
    services = harness.services
    lease = timedelta(seconds=services.settings.reminder_lease_seconds)
    async with services.sessions.begin() as session:  # a dispatcher claims, then dies
        batch = await engine.claim(session, due_at, default_tz="UTC", limit=10, lease=lease)
    assert len(batch.due) == 1
    await harness.restart()
    assert (await dispatch_due(harness.running.application)).sent == 0  # type: ignore[union-attr]
    assert (await tick_at(harness, due_at + lease)).sent == 1  # the lease ran out: sent once
    assert (await dispatch_due(harness.running.application)).sent == 0  # type: ignore[union-attr]
    assert checkins(worker) == 1
    assert (await reminder_of(harness, 3802)).next_fire_at == utc(2026, 12, 1, 0, 0)


async def test_the_job_queue_runs_the_dispatcher_by_itself(harness: Harness) -> None:
    harness.settings = harness.settings.model_copy(update={"reminder_tick_seconds": 0.2})
    await harness.restart()
    assert harness.running is not None and harness.running.application.job_queue is not None
    assert harness.running.application.job_queue.get_jobs_by_name(JOB_NAME)
    worker = await worker_with_checkin(harness, 3901, "America/New_York", 0, time(19, 0))
    harness.clock.advance(utc(2026, 11, 24, 0, 0) - harness.clock.now())
    nudge = await worker.wait_for_reply(timeout=5)
    assert CHECKIN_TEXT in nudge[-1].text
