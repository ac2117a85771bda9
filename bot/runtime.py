"""What every handler needs, wired once: settings, clock, database and catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.settings import Settings
from catalog import Catalog

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalog: Catalog


class ToolboxContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """`context.services` gives handlers the wired services without globals."""

    @property
    def services(self) -> Services:
        return self.application.toolbox_services  # type: ignore[attr-defined, no-any-return]


class WriteThroughApplication(Application):  # type: ignore[type-arg]
    """Flush persistence after every update: a `kill -9` right after an answer loses nothing.

    PTB would otherwise write only every `update_interval` seconds (60 by default).
    """

    toolbox_services: Services

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        try:
            await self.update_persistence()
        except Exception:
            # Never let a database hiccup stop the update loop: the state stays in memory
            # and is written the next time it changes (a restart before then loses it).
            log.exception("Could not write conversation state to the database")
