"""`python -m bot broadcast --file message.txt [--dry-run]`: one message to every active
user (not blocked), through the same rate limiter as the bot's own sends.

Resumable without a second copy: each user's send is recorded ("sending") and committed
before the message goes out, and marked "sent" (or "failed", "blocked") after. A rerun of
the same text (the broadcast is named by its digest) skips everyone already recorded,
including a "sending" row a crash left: that user may or may not have it, and one missed
copy is kinder than two. The summary says how many such rows there are.

The text is sent as plain text (no HTML), so a stray "<" cannot make every send fail.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import Forbidden, TelegramError
from tqdm import tqdm

from bot.clock import Clock
from bot.db.models import BroadcastSend, User
from bot.services.users import mark_blocked

SENDING, SENT, FAILED, BLOCKED = "sending", "sent", "failed", "blocked"
IN_FLIGHT = 16  # sends waiting on the rate limiter at once: enough to keep 30 a second


def broadcast_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class BroadcastResult:
    recipients: int = 0  # active users not yet reached by this broadcast
    counts: dict[str, int] = field(default_factory=dict)  # this run: sent, failed, blocked
    earlier: dict[str, int] = field(default_factory=dict)  # rows from earlier runs


async def _pending_recipients(session: AsyncSession, key: str) -> list[int]:
    done = select(BroadcastSend.user_id).where(BroadcastSend.broadcast_id == key)
    rows = await session.scalars(
        select(User.id).where(User.is_active.is_(True), User.id.not_in(done)).order_by(User.id)
    )
    return list(rows)


async def _earlier(session: AsyncSession, key: str) -> dict[str, int]:
    rows = await session.scalars(
        select(BroadcastSend.status).where(BroadcastSend.broadcast_id == key)
    )
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


async def run_broadcast(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    bot: Bot,
    text: str,
    *,
    dry_run: bool = False,
    progress: bool = True,
) -> BroadcastResult:
    key = broadcast_id(text)
    async with sessions() as session:
        recipients = await _pending_recipients(session, key)
        result = BroadcastResult(len(recipients), earlier=await _earlier(session, key))
    if dry_run or not recipients:
        return result
    queue: asyncio.Queue[int] = asyncio.Queue()
    for user_id in recipients:
        queue.put_nowait(user_id)
    bar = tqdm(total=len(recipients), unit="msg", disable=not progress, desc="broadcast")

    async def send_one(user_id: int) -> str:
        async with sessions.begin() as session:  # recorded before it goes out
            session.add(
                BroadcastSend(
                    broadcast_id=key, user_id=user_id, status=SENDING, sent_at=clock.now()
                )
            )
        try:
            await bot.send_message(user_id, text, parse_mode=None)
            status = SENT
        except Forbidden:
            status = BLOCKED
        except TelegramError:  # the rate limiter already retried for a while
            status = FAILED
        async with sessions.begin() as session:
            await session.execute(
                update(BroadcastSend)
                .where(BroadcastSend.broadcast_id == key, BroadcastSend.user_id == user_id)
                .values(status=status, sent_at=clock.now())
            )
            if status == BLOCKED:
                await mark_blocked(session, clock, user_id)
        return status

    async def worker() -> None:
        while not queue.empty():
            status = await send_one(queue.get_nowait())
            result.counts[status] = result.counts.get(status, 0) + 1
            bar.update(1)

    try:
        await asyncio.gather(*(worker() for _ in range(min(IN_FLIGHT, len(recipients)))))
    finally:
        bar.close()
    return result
