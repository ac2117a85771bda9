"""SQLite writers in one process wait their turn instead of failing: thirty workers'
updates each writing with a pause inside the transaction (as a handler awaiting the
database through aiosqlite does) all get through within the lock wait, where SQLite's own
polling busy handler alone gave up on most of them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from bot.db.engine import make_engine

WRITERS, ROUNDS = 30, 5


async def test_thirty_concurrent_writers_all_get_through(tmp_path: Path) -> None:
    engine = make_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}", pool_size=WRITERS, sqlite_lock_wait=1.0
    )
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE taps (worker INTEGER, count INTEGER)"))
    failures: list[str] = []

    async def worker(number: int) -> None:
        for _ in range(ROUNDS):
            try:
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO taps VALUES (:n, 0)"), {"n": number})
                    await asyncio.sleep(0.01)  # the rest of the handler's transaction
                    await connection.execute(
                        text("UPDATE taps SET count = count + 1 WHERE worker = :n"), {"n": number}
                    )
            except Exception as exc:  # counted; the assertion names them
                failures.append(exc.__class__.__name__)

    try:
        await asyncio.wait_for(asyncio.gather(*(worker(n) for n in range(WRITERS))), 60)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT count(*) FROM taps"))).scalar_one()
    finally:
        await engine.dispose()
    assert failures == []
    assert rows == WRITERS * ROUNDS
