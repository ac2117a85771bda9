"""PTB persistence in our own database: no pickle files, nothing lost on `kill -9`.

PTB only calls the `update_*` methods from `Application.update_persistence()`, which runs
every `update_interval` seconds. `WriteThroughApplication` (bot/app.py) calls it after
every update instead, so an answer is on disk before the next one is read.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.clock import Clock
from bot.db.models import ConversationState, PersistedData

USER, CHAT, BOT, CALLBACK = "user", "chat", "bot", "callback"


def _key_to_text(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _text_to_key(text: str) -> ConversationKey:
    return tuple(json.loads(text))


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        update_interval: float = 60,
    ) -> None:
        super().__init__(store_data=PersistenceInput(), update_interval=update_interval)
        self._sessions = sessionmaker
        self._clock = clock

    async def _load(self, kind: str) -> dict[int, dict[str, Any]]:
        async with self._sessions() as session:
            rows = await session.scalars(select(PersistedData).where(PersistedData.kind == kind))
            return {row.owner_id: row.data for row in rows}

    async def _save(self, kind: str, owner_id: int, data: Any) -> None:
        async with self._sessions.begin() as session:
            await session.merge(
                PersistedData(kind=kind, owner_id=owner_id, data=data, updated_at=self._clock.now())
            )

    async def _drop(self, kind: str, owner_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(PersistedData).where(
                    PersistedData.kind == kind, PersistedData.owner_id == owner_id
                )
            )

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        return await self._load(USER)

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return await self._load(CHAT)

    async def get_bot_data(self) -> dict[str, Any]:
        return (await self._load(BOT)).get(0, {})

    async def get_callback_data(self) -> CDCData | None:
        stored = (await self._load(CALLBACK)).get(0)
        if not stored:
            return None
        return [tuple(entry) for entry in stored["queue"]], stored["mapping"]  # type: ignore[return-value]

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ConversationState).where(ConversationState.name == name)
            )
            return {_text_to_key(row.key): row.state["state"] for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        async with self._sessions.begin() as session:
            if new_state is None:
                await session.execute(
                    delete(ConversationState).where(
                        ConversationState.name == name,
                        ConversationState.key == _key_to_text(key),
                    )
                )
            else:
                await session.merge(
                    ConversationState(
                        name=name,
                        key=_key_to_text(key),
                        state={"state": new_state},
                        updated_at=self._clock.now(),
                    )
                )

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._save(USER, user_id, data)

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._save(CHAT, chat_id, data)

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        await self._save(BOT, 0, data)

    async def update_callback_data(self, data: CDCData) -> None:
        queue, mapping = data
        await self._save(CALLBACK, 0, {"queue": [list(e) for e in queue], "mapping": mapping})

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(CHAT, chat_id)

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(USER, user_id)

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to do: this process is the only writer of PTB data."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Nothing to do: this process is the only writer of PTB data."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """Nothing to do: this process is the only writer of PTB data."""

    async def flush(self) -> None:
        """Every write is already committed."""
