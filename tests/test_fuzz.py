"""A seeded fuzzer: more than 2,000 hostile updates through the emulator and the real bot.

Sixty workers, 34 rounds; each round every worker does one random thing: random text up
to 4,096 characters (control characters, right-to-left text, emoji, HTML-looking text),
numbers nobody means, commands in whatever state they are in, taps on real buttons, stale
and forged callback data (another worker's plan id, badge code and /delete button),
edits, stickers. Between rounds come channel posts, group messages from strangers and
updates with fields missing. Then: no unhandled exception was logged, every private message
got an answer, Telegram refused nothing, and the bystander worker's rows are unchanged.
Same seed, same run: a failure reproduces.
"""

from __future__ import annotations

import asyncio
import logging
import random
import string
import time
from datetime import timedelta
from typing import Any

import pytest

from bot.callbacks import Flow, credential_code, pack
from bot.db.models import EarnedCredential, GroupOptIn, Plan, Profile, Reminder, User
from bot.services.privacy import export_user
from emulator import EmulatedUser
from emulator.user import NoReplyError
from tests.conftest import START, Harness

SEED = 20261201
WORKERS, ROUNDS = 60, 34
TIME_LIMIT = 60.0  # seconds for the whole fuzz
BYSTANDER = 6_999_999_999

RTL = "مرحبا بالعالم שלום עולם \u202e\u202b\u200f"
EMOJI = "🛠🔥👷‍♀️🇺🇸❤️‍🩹🧰\u200d\ufe0f"
CONTROL = "".join(chr(c) for c in range(1, 32)) + "\x7f"
ODD = "漢字 e\u0301\u0308 \u200b\u2060 <b>&amp; <script>x</script> ' \" \\ ` %s {name} {0}"
PLAIN = string.ascii_letters + string.digits + string.punctuation + "   "
POOLS = (PLAIN, RTL, EMOJI, CONTROL, ODD)
NUMBERS = (
    "-999999", "1e309", "0x7fffffff", "9" * 400, "NaN", "inf", "-0", "1e-309", "½",
    "٣٤", "1_000", "$-5", "99999999999999999999", "0.0000001", "5" * 4096,
)  # fmt: skip
COMMANDS = (
    "/start", "/start 1|pl|x", "/cancel", "/help", "/recommend", "/find", "/find " + "a" * 300,
    "/plans", "/log 45m", "/log -999999h", "/log 1e309m", "/earned", "/reminders", "/profile",
    "/language", "/privacy", "/export", "/delete", "/stats", "/nonexistent", "/start@other_bot",
)  # fmt: skip
ACTIONS = (
    "abandon", "ago", "cday", "cset", "ctime", "date", "days", "done", "drop", "edit", "end",
    "erase", "hidden", "hour", "keep", "lower", "min", "more", "no", "notyet", "pass", "pause",
    "pick", "quiet", "redo", "resume", "skip", "snooze", "start", "tz", "undo", "unknown",
    "view",
)  # fmt: skip


def random_text(rng: random.Random) -> str:
    length = rng.randint(1, 4096) if rng.random() < 0.15 else rng.randint(1, 40)
    text = "".join(rng.choice(rng.choice(POOLS)) for _ in range(length))
    return text if text.strip() else text + "?"


def forged_data(rng: random.Random, worker: EmulatedUser, plan_id: int, badge: str) -> str:
    flow = rng.choice(list(Flow))
    action = rng.choice(ACTIONS)
    choices = [
        lambda: pack(Flow.PLAN, action, worker.id, plan_id),  # someone else's plan
        lambda: pack(Flow.EARNED, action, worker.id, badge),  # someone else's badge
        lambda: pack(Flow.PRIVACY, "erase", BYSTANDER, ""),  # their /delete button
        lambda: pack(Flow.PLAN, "pause", BYSTANDER, plan_id),
        lambda: pack(flow, action, worker.id, rng.choice(("", "0", "-1", "99999999999", badge))),
        lambda: "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 64))),
        lambda: f"1|{flow}|{action}|{'9' * 40}|zzzzzz",
        lambda: "2|pl|view|1|" + worker.id.to_bytes(8).hex(),
    ]
    return rng.choice(choices)()


async def make_bystander(harness: Harness) -> tuple[int, str]:
    """A worker who only watches: a profile, a plan, a held credential (a badge), a
    reminder and a group opt-in, none of which the others may touch."""
    credential = next(iter(sorted(harness.services.catalog.credentials)))
    async with harness.services.sessions.begin() as session:
        session.add(
            User(
                id=BYSTANDER, first_name="Bea", language="en", language_chosen=True,
                is_active=True, created_at=START, updated_at=START,
            )
        )  # fmt: skip
        await session.flush()
        session.add(Profile(user_id=BYSTANDER, trade="welder", goals=["license"], updated_at=START))
        plan = Plan(user_id=BYSTANDER, credential_id=credential, status="active", started_at=START)
        earned = EarnedCredential(user_id=BYSTANDER, credential_id=credential, created_at=START)
        session.add_all([plan, earned])
        await session.flush()
        session.add_all(
            [
                Reminder(
                    user_id=BYSTANDER, kind="weekly_checkin", plan_id=plan.id,
                    schedule={"weekday": 0, "time": "09:00"},
                    next_fire_at=START + timedelta(days=300), active=True,
                ),
                GroupOptIn(chat_id=-100777, user_id=BYSTANDER, opted_in_at=START),
            ]
        )  # fmt: skip
        plan_id = plan.id
    return plan_id, credential_code(credential)


async def bystander_rows(harness: Harness) -> dict[str, Any]:
    async with harness.services.sessions() as session:
        document = await export_user(session, harness.clock, BYSTANDER)
    return document["tables"]


def malformed(rng: random.Random, worker_id: int) -> tuple[str, dict[str, Any]]:
    return rng.choice(
        [
            ("message", {"message_id": 1, "date": 0, "chat": {"id": worker_id, "type": "private"}}),
            ("message", {}),
            ("callback_query", {"id": "x", "from": {"id": worker_id, "is_bot": False}}),
            ("callback_query", {"id": "y", "from": {"id": worker_id, "is_bot": False,
                                "first_name": "Z"}, "chat_instance": "1", "data": None}),
            ("edited_message", {"message_id": 2, "date": 0, "chat": {"id": -5, "type": "group"}}),
            ("my_chat_member", {"chat": {"id": worker_id, "type": "private"}}),
            ("inline_query", {"id": "q", "from": {"id": worker_id, "is_bot": False,
                              "first_name": "Q"}, "query": "\x00" * 300, "offset": "-1"}),
            ("poll", {"id": "p"}),
        ]
    )  # fmt: skip


async def test_two_thousand_hostile_updates_break_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    emulator = harness.emulator
    emulator.flood_control = False  # many workers at once: no 30-a-second wait in a test
    harness.settings = harness.settings.model_copy(update={"flood_limits": False})
    await harness.restart()
    plan_id, badge = await make_bystander(harness)
    before = await bystander_rows(harness)
    workers = [
        emulator.user(6_000_000_000 + i, f"F{i}", language_code=rng.choice(("en", "es", None)))
        for i in range(WORKERS)
    ]
    crew = emulator.group(-100777, "Crew")
    strangers = [emulator.user(6_500_000_000 + i, f"S{i}") for i in range(20)]
    first_update = len(emulator.updates)
    unanswered: list[str] = []
    started = time.monotonic()

    async def act(worker: EmulatedUser) -> bool:
        """One random thing; True if it was a private message that must get an answer."""
        roll = rng.random()
        bot_messages = worker.messages
        if not bot_messages or roll < 0.20:
            await worker.send(random_text(rng))
            return True
        if roll < 0.30:
            await worker.send(rng.choice(NUMBERS))
            return True
        if roll < 0.45:
            await worker.send(rng.choice(COMMANDS))
            return True
        if roll < 0.60:
            data = [d for row in rng.choice(bot_messages[-3:]).button_data for d in row if d]
            if data:
                await worker.press_data(rng.choice(data), message=bot_messages[-1].message_id)
                return False
        if roll < 0.85:
            await worker.press_data(forged_data(rng, worker, plan_id, badge))
            return False
        if roll < 0.95:
            history = worker.history
            own = [m for m in history if m.sender.get("id") == worker.id and "text" in m.data]
            if own:
                await worker.edit(rng.choice(own), random_text(rng))
                return True
        await worker.send_sticker()
        return True

    async def settle(worker: EmulatedUser, asked: bool) -> None:
        try:
            await worker.wait_for_reply(timeout=10 if asked else 0.15)
        except NoReplyError as exc:
            if asked:
                unanswered.append(str(exc))

    for _ in range(ROUNDS):
        asked = [await act(worker) for worker in workers]
        await crew.send(rng.choice(strangers), rng.choice((random_text(rng), "/stats", "/start")))
        emulator.state.enqueue("channel_post", {
            "message_id": rng.randint(1, 10**6), "date": 0, "text": random_text(rng),
            "chat": {"id": -1001234, "type": "channel", "title": "News"},
        })  # fmt: skip
        emulator.state.enqueue(*malformed(rng, rng.choice(workers).id))
        await asyncio.gather(*(settle(w, a) for w, a in zip(workers, asked, strict=True)))
        assert time.monotonic() - started < TIME_LIMIT, "the fuzz took too long"

    sent = len(emulator.updates) - first_update
    assert sent >= 2000, sent
    assert not unanswered, unanswered[:5]
    crashes = [
        f"{r.getMessage()[:200]} {r.exc_text or ''}"[-1500:]
        for r in caplog.records
        if r.levelno >= logging.ERROR and "set aside" not in r.getMessage()
    ]
    assert not crashes, crashes[:5]
    assert await bystander_rows(harness) == before
    print(f"{sent} hostile updates in {time.monotonic() - started:.1f} s")
