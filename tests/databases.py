"""Real databases for tests: a temporary SQLite file, or a fresh PostgreSQL database
created on the server named by TEST_POSTGRES_URL (and dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
NO_POSTGRES = "TEST_POSTGRES_URL is not set: PostgreSQL tests need a server (see README)"


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'toolbox-test.db'}"


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A brand-new database on the test server, as an asyncpg SQLAlchemy URL."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    base = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg")
    name = f"toolbox_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def database(kind: str, directory: Path) -> AsyncIterator[str]:
    if kind == "postgresql":
        async with postgres_database() as url:
            yield url
    else:
        yield sqlite_url(directory)
