"""What every handler needs, wired once: settings, clock, database and catalog; and how
updates run: chats concurrently, each chat in order, each update's changes committed with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, CallbackContext, ExtBot

from bot.clock import Clock
from bot.leader import Leadership
from bot.persistence import DatabasePersistence
from bot.settings import Settings
from catalog import Catalog

log = logging.getLogger(__name__)

# Updates handled at once, across chats. Enough that a slow chat (a 2 s send, a lock) does
# not hold up the others; few enough to stay inside the database connection pool.
MAX_CONCURRENT_UPDATES = 16


@dataclass
class Services:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalog: Catalog
    # Who receives updates when several processes share the database (bot/leader.py);
    # None when nothing else can run (tests, the demo).
    leadership: Leadership | None = None


class ToolboxContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """`context.services` gives handlers the wired services without globals."""

    @property
    def services(self) -> Services:
        return self.application.toolbox_services  # type: ignore[attr-defined, no-any-return]


def chat_of(update: object) -> int | None:
    """The conversation an update belongs to: its chat, else its user (inline queries)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats run concurrently; one chat's updates run one at a time, in order.

    The chat's turn is taken before PTB's bound on concurrent updates, so updates waiting
    behind their own chat hold no slot another chat could use. asyncio locks are fair (first
    come, first served) and PTB starts the update tasks in arrival order.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            await super().process_update(update, coroutine)
            return
        turn = self._turns.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with turn:
                await super().process_update(update, coroutine)
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat], self._turns[chat]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class WriteThroughApplication(Application):  # type: ignore[type-arg]
    """Commit each update's changes when it is handled, together with its inbox done mark.

    PTB would otherwise write only every `update_interval` seconds (60 by default), and a
    `kill -9` would lose both the state and the fact the update was handled.
    """

    toolbox_services: Services
    # Updates the inbox could not store (database unavailable): handled, but with no row
    # to mark done. bot/inbox_intake.py adds to it.
    not_in_inbox: set[int]

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if not isinstance(update, Update) or not isinstance(self.persistence, DatabasePersistence):
            return
        # Stages only what changed (see DatabasePersistence); the commit writes this update's.
        await self.update_persistence()
        user = update.effective_user
        stored = update.update_id not in self.not_in_inbox
        self.not_in_inbox.discard(update.update_id)
        await self.persistence.commit(
            update.update_id if stored else None,
            update.effective_chat.id if update.effective_chat else None,
            user.id if user else None,
        )
