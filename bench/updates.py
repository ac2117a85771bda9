"""Updates per second, reply time, CPU and memory per update: Toolbox against a bare
python-telegram-bot echo bot, both driven the same way through the emulator in one run.

    python bench/updates.py [--users 40] [--db sqlite|postgresql] [--think 1.0] [--json]
                            [--profile out.prof]

Each bot runs as its own process (`python -m bot run`, and this file with `--serve-echo`),
so its CPU time and peak memory are read from /proc without the emulator's or the users'.
Emulated workers run concurrently, each waiting for the answer before the next action:
Toolbox workers go through onboarding by taps, `/find` and `/help`; echo workers send the
same number of text messages. Throughput and CPU come from a saturated pass, where each
worker acts again the moment the answer lands; reply times from a second pass where each
worker pauses about `--think` seconds first, as a person reading the answer does (at
saturation a reply time is mostly the queue of everyone else's taps: Little's law). Both
passes' reply times are reported. Flood control is off for both (otherwise Telegram's 30
messages a second would set both figures): the emulator's, and Toolbox's own limiter
(FLOOD_LIMITS=false; its retries stay on). A third bot, the durable echo bot, is the echo
bot writing each update to the same database before answering and marking it done after:
what durability alone costs (`durable_echo_*`, `cpu_vs_durable_echo`). Each bot is
measured once it is idle after start-up (Toolbox loads its gazetteer and language models
in a thread). `--profile OUT` profiles the load only (not start-up) and writes its SQL
statements, counted, to OUT.sql.txt. With `--json` the last line is one JSON object.
Not a test: run it by hand (Linux only, it reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator import BotApiEmulator, EmulatedUser  # noqa: E402
from tests.story import taps_to_cards  # noqa: E402

TOKEN = "123456:BENCH-token"
TRADES = ("Electrician", "HVAC/R technician", "Plumber", "Welder")
SETTLE = 0.02  # quiet time that ends a reply; small, so it caps neither bot
STEP_TIMEOUT = 30.0  # seconds one reply may take before the run is called broken
START_TIMEOUT = 60.0
IDLE_SAMPLE, IDLE_SHARE = 0.5, 0.05  # idle: under 5 % of a CPU for half a second


@dataclass
class Measure:
    name: str
    updates: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    replies_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.replies_ms) or [0.0]

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

        return {
            "updates": self.updates,
            "updates_per_s": round(self.updates / self.seconds, 1) if self.seconds else 0.0,
            "cpu_ms_per_update": round(1000 * self.cpu_seconds / max(self.updates, 1), 2),
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered), 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc (fields 14 and 15 of stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {seconds:.0f}s")
        await asyncio.sleep(0.05)


Step = tuple[Callable[[], Awaitable[object]], str | None]  # an action, the button it brings


def shows(user: EmulatedUser, label: str) -> bool:
    return any(label in row for message in user.messages[-3:] for row in message.buttons)


async def timed(user: EmulatedUser, step: Step, last_event: dict[int, float]) -> float:
    """Do one action and return the milliseconds until the bot's last word in answer.

    A reply can come in parts (an edit, then the next question) with more than `SETTLE`
    between them on a busy machine, so a step that brings a button waits for it too."""
    action, brings = step
    started = time.perf_counter()
    await action()
    await user.wait_for_reply(timeout=STEP_TIMEOUT, settle=SETTLE)
    deadline = time.monotonic() + STEP_TIMEOUT
    while brings is not None and not shows(user, brings):
        if time.monotonic() > deadline:
            recent = [(m.text[:60], m.buttons) for m in user.messages[-3:]]
            raise TimeoutError(f"no {brings!r} button in chat {user.id}: {recent}")
        await asyncio.sleep(0.005)
    return 1000 * (last_event.get(user.id, started) - started)


async def wait_idle(pid: int, seconds: float = START_TIMEOUT) -> None:
    """Wait until the bot process stops using CPU on its own: Toolbox loads its gazetteer
    and language models in a thread after start-up, and that one-off cost is not the cost
    of an update."""
    deadline = time.monotonic() + seconds
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(IDLE_SAMPLE)
        now = cpu_seconds(pid)
        if now - before < IDLE_SAMPLE * IDLE_SHARE:
            return
        before = now


async def drive(
    emulator: BotApiEmulator,
    process: asyncio.subprocess.Process,
    measure: Measure,
    scripts: list[tuple[EmulatedUser, list[Step]]],
    *,
    profiled: bool = False,
    think: float = 0.0,
) -> None:
    """Run every worker's script at once. With `think`, a worker pauses between 0.5x and
    1.5x that many seconds before each action, as a person reading the answer would."""
    await wait_idle(process.pid)
    last_event: dict[int, float] = {}
    emulator.on_bot_event(lambda event: last_event.__setitem__(event.chat_id, time.perf_counter()))
    pauses = random.Random(len(scripts))

    async def run_script(user: EmulatedUser, steps: list[Step]) -> None:
        for step in steps:
            if think:
                await asyncio.sleep(think * pauses.uniform(0.5, 1.5))
            measure.replies_ms.append(await timed(user, step, last_event))

    if profiled:  # profile the load only, not start-up (see serve_profiled)
        process.send_signal(signal.SIGUSR1)
    cpu_before = cpu_seconds(process.pid)
    started = time.perf_counter()
    await asyncio.gather(*(run_script(user, steps) for user, steps in scripts))
    measure.seconds = time.perf_counter() - started
    measure.cpu_seconds = cpu_seconds(process.pid) - cpu_before
    if profiled:
        process.send_signal(signal.SIGUSR2)
    measure.updates = sum(len(steps) for _, steps in scripts)
    measure.peak_rss_mb = peak_rss_mb(process.pid)


def toolbox_script(user: EmulatedUser, index: int) -> list[Step]:
    taps = taps_to_cards(TRADES[index % len(TRADES)])
    actions: list[Callable[[], Awaitable[object]]] = [lambda: user.send("/start")]
    actions += [lambda label=label: user.press(label) for label in taps]  # type: ignore[misc]
    actions += [lambda: user.send("/find osha 10"), lambda: user.send("/help")]
    brings: list[str | None] = [*taps, None, None, None]
    return list(zip(actions, brings, strict=True))


def echo_script(user: EmulatedUser, count: int) -> list[Step]:
    return [(lambda i=i: user.send(f"hello {i}"), None) for i in range(count)]  # type: ignore[misc]


async def start_process(
    emulator: BotApiEmulator, args: list[str], env: dict[str, str]
) -> asyncio.subprocess.Process:
    polls = len(emulator.calls_to("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await wait_until(
        lambda: len(emulator.calls_to("getUpdates")) > polls or emulator.webhook_url is not None,
        START_TIMEOUT,
        f"{args} to poll",
    )
    return process


async def stop_process(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    except TimeoutError:
        process.kill()
        _, stderr = await process.communicate()
    return stderr.decode(errors="replace")


async def measure_echo(
    users: int, steps: int, think: float, database_url: str | None = None
) -> tuple[Measure, Measure]:
    """The echo bot; with `database_url`, the durable echo bot (see `serve_echo`)."""
    measure, paced = Measure("echo"), Measure("echo paced")
    async with BotApiEmulator(token=TOKEN, settle=SETTLE) as emulator:
        command = [str(Path(__file__)), "--serve-echo", emulator.api_url]
        if database_url:
            command += ["--echo-database", database_url]
        process = await start_process(emulator, command, {})
        try:
            passes = ((900_000, measure, 0.0), (910_000, paced, think))
            for offset, into, pause in passes if think else passes[:1]:
                people = [emulator.user(offset + i, f"Echo{i}") for i in range(users)]
                scripts = [(u, echo_script(u, steps)) for u in people]
                await drive(emulator, process, into, scripts, think=pause)
        finally:
            await stop_process(process)
    return measure, paced


async def measure_toolbox(
    users: int, database_url: str, profile: str | None, think: float
) -> tuple[Measure, Measure, int]:
    measure, paced = Measure("toolbox"), Measure("toolbox paced")
    async with BotApiEmulator(token=TOKEN, settle=SETTLE) as emulator:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.api_url,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "FLOOD_LIMITS": "false",  # the emulator has none either (see the docstring)
        }
        command = ["-m", "bot", "run"]
        if profile:
            command = [str(Path(__file__)), "--serve-profiled", profile]
        process = await start_process(emulator, command, env)
        try:
            people = [emulator.user(800_000 + i, f"Worker{i}") for i in range(users)]
            scripts = [(u, toolbox_script(u, i)) for i, u in enumerate(people)]
            await drive(emulator, process, measure, scripts, profiled=bool(profile))
            if think:
                people = [emulator.user(810_000 + i, f"Worker{i}") for i in range(users)]
                paced_scripts = [(u, toolbox_script(u, i)) for i, u in enumerate(people)]
                await drive(emulator, process, paced, paced_scripts, think=think)
        finally:
            stderr = await stop_process(process)
        if process.returncode not in (0, -signal.SIGTERM):
            raise RuntimeError(f"the bot exited with {process.returncode}: {stderr[-2000:]}")
        return measure, paced, len(scripts[0][1])


async def postgres_database(server_url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"toolbox_bench_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    return base.set(database=name).render_as_string(hide_password=False), drop


async def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="toolbox-bench-"))
    drop: Callable[[], Awaitable[None]] | None = None
    durable_url: str | None = None  # PostgreSQL: the benchmark's database (its own table)
    try:
        if args.db == "postgresql":
            server = args.postgres_url or os.environ.get("TEST_POSTGRES_URL")
            if not server:
                raise SystemExit("--db postgresql needs --postgres-url or TEST_POSTGRES_URL")
            database_url, drop = await postgres_database(server)
        else:
            database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
            durable_url = f"sqlite+aiosqlite:///{workdir / 'durable-echo.db'}"
        toolbox, paced, steps = await measure_toolbox(
            args.users, database_url, args.profile, args.think
        )
        echo, echo_paced = await measure_echo(args.users, steps, args.think)
        durable, _ = await measure_echo(args.users, steps, 0.0, durable_url or database_url)
    finally:
        if drop is not None:
            await drop()
        shutil.rmtree(workdir, ignore_errors=True)
    ours, theirs = toolbox.summary(), echo.summary()
    # Reply times: with workers pausing like people (`--think`), what a worker feels at
    # that load; and saturated, every worker tapping again the moment the answer lands.
    saturated = {f"saturated_{k}": ours[k] for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")}
    if args.think:
        ours.update({k: paced.summary()[k] for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms")})
    return {
        "db": args.db,
        "users": args.users,
        **ours,
        **saturated,
        "think_s": args.think,
        "echo_saturated_p95_ms": theirs["p95_ms"],
        "echo_updates_per_s": theirs["updates_per_s"],
        "echo_cpu_ms_per_update": theirs["cpu_ms_per_update"],
        "echo_p50_ms": (echo_paced if args.think else echo).summary()["p50_ms"],
        "echo_p95_ms": (echo_paced if args.think else echo).summary()["p95_ms"],
        "echo_peak_rss_mb": theirs["peak_rss_mb"],
        "durable_echo_updates_per_s": durable.summary()["updates_per_s"],
        "durable_echo_cpu_ms_per_update": durable.summary()["cpu_ms_per_update"],
        "throughput_vs_echo": round(ours["updates_per_s"] / max(theirs["updates_per_s"], 1e-9), 2),
        "cpu_vs_echo": round(ours["cpu_ms_per_update"] / max(theirs["cpu_ms_per_update"], 1e-9), 2),
        "cpu_vs_durable_echo": round(
            ours["cpu_ms_per_update"] / max(durable.summary()["cpu_ms_per_update"], 1e-9), 2
        ),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, "
        f"Python {platform.python_version()}",
    }


def serve_echo(api_url: str, database_url: str | None = None) -> None:
    """The bare python-telegram-bot echo bot the figures are compared with; with
    `database_url`, the durable echo bot (`durable`)."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    application = Application.builder().token(TOKEN).base_url(api_url).build()
    application.add_handler(
        MessageHandler(
            filters.TEXT, durable(echo, database_url, application) if database_url else echo
        )
    )
    application.run_polling(poll_interval=0, timeout=10)


def durable(handler: Any, database_url: str, application: Any) -> Any:
    """`handler` as a bot that loses no update would run it, at the least cost: the update
    written to a table before it is handled and marked done after (issue 14's inbox), two
    short transactions of one Core statement each, through the same SQLAlchemy engine and
    driver as Toolbox's. No conversation state, nothing read."""
    from sqlalchemy import JSON, BigInteger, Boolean, Column, MetaData, Table, bindparam
    from sqlalchemy.ext.asyncio import create_async_engine

    inbox = Table(
        "echo_inbox", MetaData(),
        Column("update_id", BigInteger, primary_key=True),
        Column("payload", JSON, nullable=False),
        Column("done", Boolean, nullable=False),
    )  # fmt: skip
    engine = create_async_engine(database_url)
    store = inbox.insert()
    mark = inbox.update().where(inbox.c.update_id == bindparam("u")).values(done=True)

    async def create_table(_: Any) -> None:
        async with engine.begin() as connection:
            await connection.run_sync(inbox.metadata.create_all)

    async def handled_durably(update: Any, context: Any) -> None:
        async with engine.begin() as connection:
            row = {"update_id": update.update_id, "payload": update.to_dict(), "done": False}
            await connection.execute(store, row)
        await handler(update, context)
        async with engine.begin() as connection:
            await connection.execute(mark, {"u": update.update_id})

    application.post_init = create_table
    return handled_durably


def serve_profiled(out: str) -> None:
    """`python -m bot run` under cProfile counting CPU time (not wall time, which would
    charge every await to whatever was waiting), from SIGUSR1 to SIGUSR2: the load only,
    not start-up. Only the event loop's thread is profiled (not aiosqlite's)."""
    import cProfile
    from collections import Counter

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from bot.__main__ import main as bot_main

    profiler = cProfile.Profile(time.process_time)
    statements: Counter[str] = Counter()
    counting = False

    @event.listens_for(Engine, "before_cursor_execute")
    def count_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if counting:
            statements[" ".join(statement.split())[:90]] += 1

    @event.listens_for(Engine, "commit")
    def count_commit(_conn: Any) -> None:
        if counting:
            statements["COMMIT"] += 1

    def start(*_: object) -> None:
        nonlocal counting
        counting = True
        profiler.enable()

    def stop(*_: object) -> None:
        nonlocal counting
        profiler.disable()
        counting = False
        profiler.dump_stats(out)
        # Every SQL statement of the load, most frequent first (divide by the updates).
        Path(out + ".sql.txt").write_text(
            "".join(f"{n:6d}  {text}\n" for text, n in statements.most_common())
        )

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    bot_main(["run"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40, help="concurrent workers (40)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", help="server for --db postgresql (TEST_POSTGRES_URL)")
    parser.add_argument("--profile", help="run Toolbox under cProfile (CPU time), stats here")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="a worker's pause between actions in the "
        "reply-time pass, seconds (1.0; 0 skips that pass)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="give up after (s)")
    parser.add_argument("--serve-echo", metavar="API_URL", help=argparse.SUPPRESS)
    parser.add_argument("--echo-database", help=argparse.SUPPRESS)
    parser.add_argument("--serve-profiled", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo, args.echo_database)
        return
    if args.serve_profiled:
        serve_profiled(args.serve_profiled)
        return
    result = asyncio.run(asyncio.wait_for(run(args), args.timeout))
    print(
        f"Toolbox ({result['db']}, {result['users']} workers, {result['updates']} updates): "
        f"{result['updates_per_s']}/s, CPU {result['cpu_ms_per_update']} ms/update, "
        f"reply p50/p95/p99 {result['p50_ms']}/{result['p95_ms']}/{result['p99_ms']} ms "
        f"(pausing {result['think_s']} s), saturated p95 {result['saturated_p95_ms']} ms, "
        f"peak RSS {result['peak_rss_mb']} MB"
    )
    print(
        f"Echo bot: {result['echo_updates_per_s']}/s, CPU {result['echo_cpu_ms_per_update']} "
        f"ms/update, reply p50/p95 {result['echo_p50_ms']}/{result['echo_p95_ms']} ms, "
        f"saturated p95 {result['echo_saturated_p95_ms']} ms, "
        f"peak RSS {result['echo_peak_rss_mb']} MB"
    )
    print(
        f"Durable echo bot: {result['durable_echo_updates_per_s']}/s, CPU "
        f"{result['durable_echo_cpu_ms_per_update']} ms/update"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
