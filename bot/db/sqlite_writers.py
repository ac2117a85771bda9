"""One writer at a time per SQLite file in this process, in arrival order.

SQLite lets one connection write at a time and makes the others poll: each waits in its
busy handler, sleeping up to 100 ms between tries, and gives up after `busy_timeout`. With
many updates in flight on a busy event loop, a write transaction holds the lock across
several loop turns (aiosqlite runs each statement in a thread), so pollers miss the short
gaps between holders and some give up though the database is fine: the worker was told
"something went wrong" (seen in `bench/updates.py` with the CPUs loaded). Here a connection
about to write first waits its turn on an asyncio lock (first come, first served, no
polling), bounded by the same wait as SQLite's own, and lets go when its transaction ends.
SQLite's lock still guards against other processes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HOLDS = "toolbox_sqlite_write_turn"  # key in the connection's info: the lock it holds

# Per event loop (tests run several), per database file.
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _lock_for(database: str) -> asyncio.Lock:
    per_file = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = per_file.get(database)
    if lock is None:
        lock = per_file[database] = asyncio.Lock()
    return lock


async def _acquire(lock: asyncio.Lock, seconds: float) -> None:
    # Not asyncio.wait_for: on Python 3.11 it can swallow a cancellation that arrives as
    # the lock is granted, and a task told to stop (the update poller at shutdown) then
    # never stops.
    async with asyncio.timeout(seconds):
        await lock.acquire()


def take_turns(engine: AsyncEngine, wait_seconds: float) -> None:
    """Make this engine's writers queue in this process before SQLite's lock (see above)."""
    database = engine.url.database or ""
    if database in ("", ":memory:"):
        return  # a private in-memory database has no other writer

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _wait_turn(
        conn: Connection, _cursor: Any, statement: str, params: Any, _ctx: Any, _many: bool
    ) -> None:
        if _HOLDS in conn.info or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        lock = _lock_for(database)
        try:
            await_(_acquire(lock, wait_seconds))
        except TimeoutError:
            raise OperationalError(
                statement, params, sqlite3.OperationalError("database is locked")
            ) from None
        conn.info[_HOLDS] = lock

    def _let_go(info: dict[Any, Any]) -> None:
        lock = info.pop(_HOLDS, None)
        if lock is not None and lock.locked():
            lock.release()

    @event.listens_for(engine.sync_engine, "commit")
    def _committed(conn: Connection) -> None:
        _let_go(conn.info)

    @event.listens_for(engine.sync_engine, "rollback")
    def _rolled_back(conn: Connection) -> None:
        _let_go(conn.info)

    # A connection returned or thrown away without either (an error, a cancelled task).
    @event.listens_for(engine.sync_engine.pool, "reset")
    def _reset(_dbapi: Any, record: Any, _state: Any) -> None:
        _let_go(record.info)

    @event.listens_for(engine.sync_engine.pool, "invalidate")
    def _invalidated(_dbapi: Any, record: Any, _exc: Any) -> None:
        _let_go(record.info)
