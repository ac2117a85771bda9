"""Who receives updates: exactly one process per database, the leader; the others wait.

PostgreSQL: the leader holds a session-level advisory lock on a connection of its own
(not from the pool, so nothing else ever runs on it or returns it). When the process dies
the server ends its session and the lock is free; a standby tries every `RETRY_SECONDS`
and takes over. The leader pings its connection every `HEARTBEAT_SECONDS`; if the ping
fails the lock may be gone, so it says it lost leadership and the process stops (the
service manager restarts it, as a standby).

The lock alone cannot stop a leader that lost its connection but not yet noticed from
writing once more: `fence` runs inside each conversation-state transaction and refuses to
commit unless our own session still holds the lock (pg_locks), so a deposed leader can
never overwrite state the new leader wrote.

SQLite: one process only. The same protocol with an exclusive `flock` on a file next to
the database: a second process on the box stands by and takes over when the first exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any, Protocol

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

# One application-wide key (below 2**31, so pg_locks shows it whole in `objid`).
LOCK_KEY = 0x546F6F6C  # "Tool"
RETRY_SECONDS = 1.0  # a standby's attempts: takeover well within 10 s of a death
HEARTBEAT_SECONDS = 2.0
PING_TIMEOUT = 3.0


class LostLeadership(RuntimeError):
    """This process no longer holds the leader lock: it must not write or receive."""


class Leadership(Protocol):
    is_leader: bool
    lost: asyncio.Event

    async def wait_until_leader(self, stop: asyncio.Event) -> bool: ...

    async def fence(self, session: AsyncSession) -> None: ...

    async def release(self) -> None: ...


def leadership_for(database_url: str) -> Leadership:
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    if url.get_backend_name() == "postgresql":
        return PostgresLeadership(url.set(drivername="postgresql").render_as_string(False))
    return FileLeadership(Path(f"{url.database or 'toolbox.db'}.leader.lock"))


async def _until(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


class PostgresLeadership:
    def __init__(self, dsn: str, *, retry: float = RETRY_SECONDS) -> None:
        self._dsn = dsn
        self._retry = retry
        self._connection: asyncpg.Connection | None = None
        self._backend_pid: int | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self.is_leader = False
        self.lost = asyncio.Event()

    async def wait_until_leader(self, stop: asyncio.Event) -> bool:
        """Stand by until the lock is ours (True) or `stop` is set (False)."""
        said_standby = False
        while not stop.is_set():
            try:
                if self._connection is None or self._connection.is_closed():
                    self._connection = await asyncpg.connect(self._dsn, timeout=PING_TIMEOUT)
                got = await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("Leader election: database unavailable (%s)", exc.__class__.__name__)
                await self._close()
                got = False
            if got:
                assert self._connection is not None
                self._backend_pid = await self._connection.fetchval("SELECT pg_backend_pid()")
                self.is_leader = True
                self._heartbeat = asyncio.create_task(self._beat())
                log.warning("This process is the leader: it receives updates")
                return True
            if not said_standby:
                log.warning("Standing by: another process is the leader")
                said_standby = True
            await _until(stop, self._retry)
        return False

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                assert self._connection is not None
                await self._connection.fetchval("SELECT 1", timeout=PING_TIMEOUT)
            except Exception as exc:  # any failure: the lock may have gone with the session
                log.error("Lost the leader lock's connection (%s)", exc.__class__.__name__)
                self.is_leader = False
                self.lost.set()
                return

    async def fence(self, session: AsyncSession) -> None:
        held = await session.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = 0 AND objid = :key AND objsubid = 1 AND pid = :pid"
            ),
            {"key": LOCK_KEY, "pid": self._backend_pid or 0},
        )
        if not held:
            self.is_leader = False
            self.lost.set()
            raise LostLeadership("the leader lock is held by another process, or by none")

    async def release(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        self.is_leader = False
        await self._close()  # ending the session frees the lock

    async def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close(timeout=PING_TIMEOUT)
            self._connection = None


class FileLeadership:
    """SQLite: an exclusive lock on a file beside the database (the kernel frees it when
    the process dies, however it dies)."""

    def __init__(self, path: Path, *, retry: float = RETRY_SECONDS) -> None:
        self._path = path
        self._retry = retry
        self._file: IO[Any] | None = None
        self.is_leader = False
        self.lost = asyncio.Event()

    async def wait_until_leader(self, stop: asyncio.Event) -> bool:
        said_standby = False
        # Held open for as long as we lead: closing it would free the lock.
        handle = await asyncio.to_thread(self._path.open, "a+")
        while not stop.is_set():
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not said_standby:
                    log.warning(
                        "Standing by: another process runs the bot on this SQLite database "
                        "(SQLite takes one process; use PostgreSQL for a hot standby)"
                    )
                    said_standby = True
                await _until(stop, self._retry)
                continue
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            self._file = handle
            self.is_leader = True
            return True
        handle.close()
        return False

    async def fence(self, session: AsyncSession) -> None:
        """Nothing to check: the kernel holds the lock until this process exits."""

    async def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.is_leader = False
