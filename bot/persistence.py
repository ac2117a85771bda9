"""PTB persistence in our own database: no pickle files, nothing lost on `kill -9`.

PTB hands us user, chat and bot data and conversation states through the `update_*`
methods (from `Application.update_persistence()`). We only stage them here, keeping the
ones that differ from what the database already holds; `commit` then writes what one update
changed (its user's and chat's data and conversations) in the same transaction that marks
it done in the update inbox. Updates of different chats run concurrently, so a commit takes
only its own chat's and user's entries and leaves the others staged for their own update.
Data changed outside an update (a job) is written with that user's or chat's next update,
or by the flush when the bot stops.

Several processes may share the database, but only the leader (bot/leader.py) handles
updates; it reads all of this when it becomes leader (PTB's initialize), and `fence`
refuses a write from a process that has lost leadership.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.clock import Clock
from bot.db.models import ConversationState, PersistedData
from bot.inbox import mark_done

log = logging.getLogger(__name__)

USER, CHAT, BOT, CALLBACK = "user", "chat", "bot", "callback"
DROP = object()  # staged in place of data that is to be deleted

DataKey = tuple[str, int]  # (kind, owner_id)
StateKey = tuple[str, str]  # (conversation name, key as JSON text)


def _key_to_text(key: ConversationKey) -> str:
    return json.dumps(list(key))


def _text_to_key(text: str) -> ConversationKey:
    return tuple(json.loads(text))


def _fingerprint(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        update_interval: float = 3600,
        fence: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> None:
        # PTB's own interval only stages (see `commit`); an hour keeps its deep copies rare.
        super().__init__(store_data=PersistenceInput(), update_interval=update_interval)
        self._sessions = sessionmaker
        self._clock = clock
        # Raises inside each write's transaction when this process is no longer the leader
        # (bot/leader.py): a deposed process must not overwrite what the new leader wrote.
        self._fence = fence
        self._data: dict[DataKey, Any] = {}  # staged: data, or DROP
        self._states: dict[StateKey, Any] = {}  # staged: state, or None to delete
        self._written: dict[DataKey | StateKey, str] = {}  # fingerprints of what is stored
        self._done: list[int] = []  # handled updates whose done mark is not yet written
        self._wanted: set[DataKey | StateKey] = set()  # keys the next group commit writes
        self._waiting: list[asyncio.Future[bool]] = []  # commits waiting for it
        self._writer: asyncio.Task[None] | None = None

    # Loading (once, at initialize) ------------------------------------------------------

    async def _load(self, kind: str) -> dict[int, dict[str, Any]]:
        async with self._sessions() as session:
            rows = await session.scalars(select(PersistedData).where(PersistedData.kind == kind))
            loaded = {row.owner_id: row.data for row in rows}
        for owner_id, data in loaded.items():
            self._written[(kind, owner_id)] = _fingerprint(data)
        return loaded

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
            rows = list(
                await session.scalars(
                    select(ConversationState).where(ConversationState.name == name)
                )
            )
        for row in rows:
            self._written[(name, row.key)] = _fingerprint(row.state["state"])
        return {_text_to_key(row.key): row.state["state"] for row in rows}

    # Staging (PTB calls these) -----------------------------------------------------------

    def _stage_data(self, key: DataKey, data: Any) -> None:
        if data is not DROP and not data and key not in self._written:
            # Empty and not stored: the same as absent. PTB marks an update's user again
            # when its task ends (after our commit), recreating an empty dict; without this
            # a worker erased by /delete would get an empty row back.
            self._data.pop(key, None)
            return
        if data is not DROP and self._written.get(key) == _fingerprint(data):
            self._data.pop(key, None)  # back to what is stored: nothing to write
        else:
            self._data[key] = data

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        state_key = (name, _key_to_text(key))
        stored = self._written.get(state_key)
        if (new_state is None and stored is None) or (
            new_state is not None and stored == _fingerprint(new_state)
        ):
            self._states.pop(state_key, None)
        else:
            self._states[state_key] = new_state

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        self._stage_data((USER, user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        self._stage_data((CHAT, chat_id), data)

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        self._stage_data((BOT, 0), data)

    async def update_callback_data(self, data: CDCData) -> None:
        queue, mapping = data
        self._stage_data((CALLBACK, 0), {"queue": [list(e) for e in queue], "mapping": mapping})

    async def drop_chat_data(self, chat_id: int) -> None:
        self._stage_data((CHAT, chat_id), DROP)

    async def drop_user_data(self, user_id: int) -> None:
        self._stage_data((USER, user_id), DROP)

    # Nothing to refresh: only the leader (bot/leader.py) handles updates, it loaded
    # everything when it became leader, and the fence stops it writing once it is not.

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to do: the leader is the only writer of PTB data."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Nothing to do: the leader is the only writer of PTB data."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """Nothing to do: the leader is the only writer of PTB data."""

    # Writing -----------------------------------------------------------------------------

    async def commit(self, update_id: int | None, chat_id: int | None, user_id: int | None) -> bool:
        """Write what this update changed and mark it done, in one transaction.

        Updates finishing at the same time share the transaction (a group commit: one
        writer, so they never wait on each other's locks). Returns False (after one log
        line) when the database refused: the changes stay staged and the done mark is
        retried with the next commit.
        """
        owners = {owner for owner in (chat_id, user_id) if owner is not None}
        self._wanted.update(
            key
            for key in self._data
            if key[0] in (BOT, CALLBACK)
            or (key[0] == USER and key[1] == user_id)
            or (key[0] == CHAT and key[1] == chat_id)
        )
        self._wanted.update(key for key in self._states if owners & set(_text_to_key(key[1])))
        if update_id is not None:
            self._done.append(update_id)
        if not self._wanted and not self._done:
            return True
        written: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append(written)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        return await written

    async def _write_batches(self) -> None:
        while self._waiting:
            waiting, self._waiting = self._waiting, []
            wanted, self._wanted = self._wanted, set()
            data = {k: self._data[k] for k in wanted if k in self._data}
            states = {k: self._states[k] for k in wanted if k in self._states}  # type: ignore[index]
            ok = await self._write(data, states)  # type: ignore[arg-type]
            for future in waiting:
                if not future.done():
                    future.set_result(ok)

    async def flush(self) -> None:
        """Write everything still staged (PTB calls this when the application stops)."""
        if self._writer is not None:
            await self._writer
        await self._write(dict(self._data), dict(self._states))

    async def _write(self, data: dict[DataKey, Any], states: dict[StateKey, Any]) -> bool:
        done = list(self._done)
        if not data and not states and not done:
            return True
        now = self._clock.now()
        try:
            async with self._sessions.begin() as session:
                if self._fence is not None:
                    await self._fence(session)
                writes = _statements(session.get_bind().dialect.name)
                connection = await session.connection()
                batches = (
                    (writes.drop_data, [
                        {"k": kind, "o": owner} for (kind, owner), v in data.items() if v is DROP
                    ]),
                    (writes.upsert_data, [
                        {"kind": kind, "owner_id": owner, "data": v, "updated_at": now}
                        for (kind, owner), v in data.items() if v is not DROP
                    ]),
                    (writes.drop_state, [
                        {"n": name, "k": key} for (name, key), v in states.items() if v is None
                    ]),
                    (writes.upsert_state, [
                        {"name": name, "key": key, "state": {"state": v}, "updated_at": now}
                        for (name, key), v in states.items() if v is not None
                    ]),
                )  # fmt: skip
                for statement, rows in batches:
                    if rows:  # one executemany per kind of write
                        await connection.execute(statement, rows)
                if done:
                    await connection.execute(mark_done(done, now))
        except Exception as exc:
            # The database is locked, read-only or gone: keep everything staged; the next
            # commit (or the flush at stop) tries again.
            log.warning("Could not write conversation state yet: %s", exc.__class__.__name__)
            return False
        del self._done[: len(done)]
        for key, value in data.items():
            if self._data.get(key) is value:  # not re-staged by a newer update meanwhile
                del self._data[key]
            if value is DROP:
                self._written.pop(key, None)
            else:
                self._written[key] = _fingerprint(value)
        for state_key, state in states.items():
            if self._states.get(state_key) is state:
                del self._states[state_key]
            if state is None:
                self._written.pop(state_key, None)
            else:
                self._written[state_key] = _fingerprint(state)
        return True


@dataclass(frozen=True)
class _Writes:
    upsert_data: Any
    drop_data: Any
    upsert_state: Any
    drop_state: Any


@cache
def _statements(dialect: str) -> _Writes:
    """The four writes, built once per database kind and run with many rows each. INSERT
    with ON CONFLICT (SQLite and PostgreSQL both have it): one statement per row instead of
    the ORM's SELECT then UPDATE; Core, not the ORM, as nothing here is read back."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    data = insert(PersistedData)
    state = insert(ConversationState)
    return _Writes(
        upsert_data=data.on_conflict_do_update(
            index_elements=["kind", "owner_id"],
            set_={"data": data.excluded.data, "updated_at": data.excluded.updated_at},
        ),
        drop_data=delete(PersistedData).where(
            PersistedData.kind == bindparam("k"), PersistedData.owner_id == bindparam("o")
        ),
        upsert_state=state.on_conflict_do_update(
            index_elements=["name", "key"],
            set_={"state": state.excluded.state, "updated_at": state.excluded.updated_at},
        ),
        drop_state=delete(ConversationState).where(
            ConversationState.name == bindparam("n"), ConversationState.key == bindparam("k")
        ),
    )
