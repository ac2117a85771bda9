"""Benchmark the reminder engine over a simulated week, against the naive design.

    python bench/reminders.py --users 1000
    python bench/reminders.py --users 100000 --db postgres --days 1 --json

N users, each with a weekly check-in and two study reminders a week (local times between
07:00 and 20:45, in five timezones), are written to a fresh database. The real bot
(`build_application`: its rate limiter, the dispatcher, the kinds) then runs through a
simulated period, the clock moving in 5-minute steps, against the Bot API emulator with
Telegram's flood limits on (30 messages/s overall, 1/s per chat). The emulator runs in its
own process so its message log does not count in the bot's memory; so does the data set-up.

Reported: dispatcher CPU time per reminder sent, database statements per tick, the bot
process's peak RSS, sustained sends per second while a backlog is being drained, and every
expected occurrence checked against what the emulator received (missed, duplicated).

The naive design, measured in its own process on the same database: read every reminder
and add one in-memory APScheduler job per reminder (CronTrigger in the user's zone), then
start the scheduler. Start-up is the time that takes; ours is the time from creating the
dispatcher to its first claim answered. Memory is each process's peak RSS; both processes
load the same bot stack (catalog, PTB, SQLAlchemy) first, whose size is reported apart.

The default period is a week (`--days 7`): every user's check-in and two study reminders
fire once each. Telegram allows 30 messages a second, so a full week at 100,000 users
(300,000 sends) takes at least 2.8 hours of real time whatever the design; `--days 1`
sends one day's due reminders (about 43,000 at 100,000 users, 25 minutes) through the same
path. docs/PERFORMANCE.md says which figures came from which period.
With `--json` the last line printed is one JSON object with the figures; `BENCH_DUMP=path`
also writes the emulator's send and 429 timestamps there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select  # noqa: E402

from bot.callbacks import Flow  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.db.models import Reminder, User  # noqa: E402
from bot.reminders.kinds import KINDS, Due, Outgoing  # noqa: E402
from bot.reminders.schedules import WEEKLY_CHECKIN, parse_hhmm  # noqa: E402
from bot.reminders.triggers import next_weekly  # noqa: E402
from bot.settings import Settings  # noqa: E402

TOKEN = "123456:BENCH-reminders"
SEED = 20261201
START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday
STEP = timedelta(minutes=5)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "Europe/Madrid")  # fmt: skip
SLOTS = [f"{h:02d}:{m:02d}" for h in range(7, 21) for m in (0, 15, 30, 45)]
STUDY = "bench_study"
FIRST_USER = 9_000_000_000


class BenchStudy:
    """A study reminder as the engine sees one: weekly, useless three hours late, and
    naming its occurrence so every send can be matched to what was due."""

    name = STUDY
    stale_after: timedelta | None = timedelta(hours=3)

    def next_fire(
        self, schedule: dict[str, Any], zone: ZoneInfo, after: datetime
    ) -> datetime | None:
        return next_weekly(int(schedule["weekday"]), parse_hhmm(schedule["time"]), zone, after)

    async def compose(self, session: Any, catalog: Any, due: Due, now: datetime) -> Outgoing:
        return Outgoing(
            text=f"Study reminder {due.reminder_id} {due.fire_at:%Y-%m-%dT%H:%M}",
            buttons=((("Done", Flow.PLAN, "done", due.reminder_id),),),
        )


KINDS[STUDY] = BenchStudy()


def rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# Data ---------------------------------------------------------------------------------


def occurrence(day: date, hhmm: str, zone: str) -> datetime:
    return datetime.combine(day, parse_hhmm(hhmm), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def generate(users: int, days: int) -> tuple[list[dict], list[dict], list[tuple[str, int, str]]]:
    """Users, reminders and the expected sends in [START, START + days) for one seed."""
    rng = random.Random(SEED)
    end = START + timedelta(days=days)
    dates = [START.date() + timedelta(days=d) for d in range(-1, days + 8)]
    user_rows, reminder_rows, expected = [], [], []
    reminder_id = 0
    for n in range(users):
        user_id = FIRST_USER + n
        zone = ZONES[n % len(ZONES)]
        user_rows.append(
            {"id": user_id, "first_name": "W", "language": "en", "language_chosen": False,
             "timezone": zone, "is_active": True, "created_at": START, "updated_at": START}
        )  # fmt: skip
        weekdays = rng.sample(range(7), 3)
        for index, weekday in enumerate(weekdays):
            reminder_id += 1
            kind = WEEKLY_CHECKIN if index == 0 else STUDY
            hhmm = rng.choice(SLOTS)
            fires = sorted(
                occurrence(d, hhmm, zone) for d in dates if d.weekday() == weekday
            )
            first = next(f for f in fires if f > START)
            reminder_rows.append(
                {"id": reminder_id, "user_id": user_id, "kind": kind,
                 "schedule": {"weekday": weekday, "time": hhmm}, "next_fire_at": first,
                 "active": True, "attempts": 0}
            )  # fmt: skip
            for fire in fires:
                if START < fire <= end:
                    key = f"{fire:%Y-%m-%dT%H:%M}" if kind == STUDY else ""
                    expected.append((kind, user_id if kind != STUDY else reminder_id, key))
    return user_rows, reminder_rows, expected


async def load(url: str, users: list[dict], reminders: list[dict]) -> None:
    from bot.app import build_services

    services = await build_services(Settings(database_url=url, _env_file=None), Clock(START))  # type: ignore[call-arg]
    try:
        async with services.sessions.begin() as session:
            for table, rows in ((User.__table__, users), (Reminder.__table__, reminders)):
                for at in range(0, len(rows), 5000):
                    await session.execute(insert(table), rows[at : at + 5000])
        if services.engine.dialect.name == "postgresql":
            async with services.engine.begin() as connection:  # keep the planner informed
                await connection.exec_driver_sql("ANALYZE reminders")
                await connection.exec_driver_sql("SELECT setval('reminders_id_seq', "
                                                 "(SELECT MAX(id) FROM reminders))")
    finally:
        await services.engine.dispose()


def setup_child(url: str, users: int, days: int, expected_path: str) -> None:
    user_rows, reminder_rows, expected = generate(users, days)
    asyncio.run(load(url, user_rows, reminder_rows))
    Path(expected_path).write_text(json.dumps(expected))


# The emulator, in its own process ------------------------------------------------------


def emulator_child(conn: Any, first_user: int, users: int) -> None:
    from emulator import BotApiEmulator

    async def main() -> None:
        emulator = BotApiEmulator(token=TOKEN, bot_username="toolbox_bench_bot",
                                  flood_control=True)  # fmt: skip
        await emulator.start()
        for user_id in range(first_user, first_user + users):
            emulator.user(user_id, "W", started=True)
        conn.send(emulator.base_url)
        await asyncio.to_thread(conn.recv)  # "report"
        calls = emulator.calls_to("sendMessage")
        sent = [(call.params["chat_id"], call.params.get("text", "")) for call in calls if call.ok]
        errors = Counter(call.error.error_code for call in emulator.errors if call.error)
        conn.send(
            {
                "sent": sent,
                "errors": dict(errors),
                "sent_at": [call.at for call in calls if call.ok],
                "refused_at": [call.at for call in calls if not call.ok],
            }
        )
        await emulator.stop()

    asyncio.run(main())


# The naive design, in its own process --------------------------------------------------


async def naive(url: str) -> dict[str, float]:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger

    from bot.app import build_application, build_services, warmed_up

    services = await build_services(Settings(database_url=url, _env_file=None), Clock(START))  # type: ignore[call-arg]
    build_application(services, TOKEN)  # the same bot stack as the engine's process
    await warmed_up()  # the language models and the gazetteer count as the stack
    baseline = current_rss_mb()

    async def send(user_id: int, reminder_id: int) -> None:  # never runs: start-up only
        raise AssertionError

    began = time.perf_counter()
    scheduler = AsyncIOScheduler(timezone=UTC)
    async with services.sessions() as session:
        rows = await session.execute(
            select(Reminder.id, Reminder.user_id, Reminder.schedule, User.timezone)
            .join(User, User.id == Reminder.user_id)
            .where(Reminder.active.is_(True))
        )
        for reminder_id, user_id, schedule, zone in rows:
            hhmm = parse_hhmm(schedule["time"])
            trigger = CronTrigger(day_of_week=schedule["weekday"], hour=hhmm.hour,
                                  minute=hhmm.minute, timezone=ZoneInfo(zone))  # fmt: skip
            scheduler.add_job(send, trigger, args=(user_id, reminder_id), id=str(reminder_id))
    scheduler.start(paused=True)
    startup = time.perf_counter() - began
    jobs = len(scheduler.get_jobs())
    scheduler.shutdown(wait=False)
    await services.engine.dispose()
    return {"naive_startup_s": startup, "naive_peak_rss_mb": rss_mb(),
            "naive_baseline_rss_mb": baseline, "naive_jobs": jobs}  # fmt: skip


# The engine under test -----------------------------------------------------------------


async def run_engine(url: str, emulator_url: str, days: int) -> dict[str, Any]:
    from bot.app import build_application, build_services, warmed_up
    from bot.reminders.dispatcher import ReminderDispatcher

    clock = Clock(START)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=f"{emulator_url}/bot",
    )
    services = await build_services(settings, clock)
    application = build_application(services, TOKEN)
    await application.initialize()
    statements = 0

    @event.listens_for(services.engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    await warmed_up()
    baseline = current_rss_mb()
    began = time.perf_counter()
    dispatcher = ReminderDispatcher(services, application.bot)
    await dispatcher.dispatch_due()
    startup = time.perf_counter() - began

    ticks = sent = 0
    tick_statements: list[int] = []
    cpu = 0.0
    end = START + timedelta(days=days)
    moment = START
    wall_began = time.perf_counter()
    while moment < end:
        moment += STEP
        if moment > clock.now():
            clock.advance(moment - clock.now())
        while True:  # drain everything due at this step
            before_statements, cpu_before = statements, time.process_time()
            report = await dispatcher.dispatch_due()
            cpu += time.process_time() - cpu_before
            ticks += 1
            tick_statements.append(statements - before_statements)
            sent += report.sent
            if report.batches <= 1 and report.sent + report.retrying < dispatcher.batch_size:
                break
    wall_total = time.perf_counter() - wall_began
    peak = rss_mb()
    async with services.sessions() as session:
        left_due = await session.scalar(
            select(Reminder.id).where(Reminder.next_fire_at <= end).limit(1)
        )
    await application.shutdown()
    await services.engine.dispose()
    busy = [n for n in tick_statements if n]
    return {
        "sent_by_dispatcher": sent,
        "ticks": ticks,
        "statements_per_tick": round(sum(busy) / max(len(busy), 1), 1),
        "statements_per_tick_max": max(tick_statements, default=0),
        "statements_per_reminder": round(sum(tick_statements) / max(sent, 1), 2),
        "cpu_ms_per_reminder": round(cpu * 1000 / max(sent, 1), 3),
        "overall_sends_per_s": round(sent / wall_total, 2),
        "wall_s": round(wall_total, 1),
        "startup_s": startup,
        "peak_rss_mb": peak,
        "baseline_rss_mb": baseline,
        "left_due": left_due is not None,
    }


# Orchestration -------------------------------------------------------------------------


async def create_postgres_database() -> tuple[str, str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    server = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if not server:
        raise SystemExit("--db postgres needs BENCH_POSTGRES_URL (or TEST_POSTGRES_URL)")
    base = make_url(server).set(drivername="postgresql+asyncpg")
    name = f"toolbox_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return base.set(database=name).render_as_string(hide_password=False), name


async def drop_postgres_database(name: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    server = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    base = make_url(server or "").set(drivername="postgresql")
    admin = await asyncpg.connect(base.render_as_string(hide_password=False))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def child_json(*args: str) -> dict[str, Any]:
    """Run this script as a child (`--child ...`) and return the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def sustained_rate(times: list[float]) -> tuple[float | None, int]:
    """Sends per second while a backlog drains: over runs of sends less than half a second
    apart that last long enough to matter (60 sends, two seconds of Telegram's budget)."""
    times = sorted(times)
    intervals = duration = 0.0
    runs, start = 0, 0
    for index in range(1, len(times) + 1):
        if index == len(times) or times[index] - times[index - 1] > 0.5:
            if index - start >= 60:
                intervals += index - start - 1
                duration += times[index - 1] - times[start]
                runs += 1
            start = index
    return (round(intervals / duration, 2) if duration else None), runs


def check(expected: list[list[Any]], sent: list[tuple[int, str]]) -> dict[str, int]:
    """Every expected occurrence against what the emulator received."""
    want_checkins = Counter(user for kind, user, _ in expected if kind == WEEKLY_CHECKIN)
    want_study = Counter(f"{rid} {key}" for kind, rid, key in expected if kind == STUDY)
    # The check-in opens with an emoji ("📋 Weekly check-in: ..."): match inside the text.
    got_checkins = Counter(chat for chat, text in sent if "Weekly check-in" in text)
    got_study = Counter(
        text.removeprefix("Study reminder ") for _, text in sent if text.startswith("Study")
    )
    missed = sum((want_checkins - got_checkins).values()) + sum((want_study - got_study).values())
    extra = sum((got_checkins - want_checkins).values()) + sum((got_study - want_study).values())
    return {"due": len(expected), "missed": missed, "duplicates": extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--days", type=int, default=7, help="simulated days (default: a week)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        role, url, *rest = args.child
        if role == "setup":
            setup_child(url, int(rest[0]), int(rest[1]), rest[2])
            print(json.dumps({"ok": True}))
        elif role == "naive":
            print(json.dumps(asyncio.run(naive(url))))
        return

    workdir = Path(tempfile.mkdtemp(prefix="toolbox-bench-"))
    pg_name = None
    if args.db == "postgres":
        url, pg_name = asyncio.run(create_postgres_database())
    else:
        url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    expected_path = str(workdir / "expected.json")
    try:
        began = time.perf_counter()
        child_json("--child", "setup", url, str(args.users), str(args.days), expected_path)
        setup_s = time.perf_counter() - began
        naive_figures = child_json("--child", "naive", url)

        parent, child = multiprocessing.Pipe()
        emulator = multiprocessing.get_context("spawn").Process(
            target=emulator_child, args=(child, FIRST_USER, args.users), daemon=True
        )
        emulator.start()
        emulator_url = parent.recv()
        figures = asyncio.run(run_engine(url, emulator_url, args.days))
        parent.send("report")
        delivered = parent.recv()
        emulator.join(timeout=30)
    finally:
        if pg_name:
            asyncio.run(drop_postgres_database(pg_name))
    expected = json.loads(Path(expected_path).read_text())
    if os.environ.get("BENCH_DUMP"):  # the emulator's timestamps, for studying 429s
        Path(os.environ["BENCH_DUMP"]).write_text(json.dumps(delivered))
    outcome = check(expected, delivered["sent"])
    sends_per_s, backlog_runs = sustained_rate(delivered["sent_at"])
    first_send = min(delivered["sent_at"], default=0.0)
    result = {
        "users": args.users,
        "db": args.db,
        "days": args.days,
        **outcome,
        "sent": len(delivered["sent"]),
        "http_429": delivered["errors"].get(429, 0),
        "http_errors": delivered["errors"],
        "sends_per_s": sends_per_s,
        "backlog_runs": backlog_runs,
        "refused_at_s": [round(t - first_send, 2) for t in delivered["refused_at"][:10]],
        **figures,
        **naive_figures,
        "startup_ratio": round(naive_figures["naive_startup_s"] / figures["startup_s"], 1),
        "rss_ratio": round(naive_figures["naive_peak_rss_mb"] / figures["peak_rss_mb"], 2),
        "reminder_rss_ratio": round(
            (naive_figures["naive_peak_rss_mb"] - naive_figures["naive_baseline_rss_mb"])
            / max(figures["peak_rss_mb"] - figures["baseline_rss_mb"], 0.1),
            1,
        ),
        "setup_s": round(setup_s, 1),
        "machine": f"{os.cpu_count()} CPU, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    for key in ("startup_s", "naive_startup_s"):
        result[key] = round(result[key], 4)
    for key in ("peak_rss_mb", "baseline_rss_mb", "naive_peak_rss_mb", "naive_baseline_rss_mb"):
        result[key] = round(result[key], 1)
    if not args.json:
        for key, value in result.items():
            print(f"{key:>26}: {value}")
    else:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
