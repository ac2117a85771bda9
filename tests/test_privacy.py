"""/privacy, /export and /delete over EVERY table in the schema.

The rows are made by walking `Base.metadata` (one synthetic row per personal table for two
workers), so a table added later is covered without touching this file: if it holds
personal data it must be exported and erased, and only the asking worker's rows go.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from bot.db.models import Base, UTCDateTime
from bot.logging_setup import configure_logging
from bot.services.privacy import (
    NOT_PERSONAL,
    OWNED_BY_RULE,
    Ownership,
    UnclassifiedTable,
    personal_tables,
)
from tests.conftest import START, TOKEN, Harness
from tests.story import labels, reply_to, texts

ASKER, OTHER = 4_100_000_001, 4_100_000_002  # > 2**31: BigInteger everywhere


def test_every_table_is_catalog_data_or_reachable_from_a_user() -> None:
    personal = {o.table.name for o in personal_tables()}
    everything = set(Base.metadata.tables)
    assert personal | NOT_PERSONAL == everything
    assert not personal & NOT_PERSONAL
    # Owned through another table: a progress log is its plan's, a reminder may be an
    # earned credential's.
    by_name = {o.table.name: o for o in personal_tables()}
    assert ("plan_id", Base.metadata.tables["plans"], "id") in by_name["progress_logs"].through


def test_a_new_table_with_no_owner_is_refused() -> None:
    metadata = MetaData()
    Table("users", metadata, Column("id", BigInteger, primary_key=True))
    Table("notes", metadata, Column("id", Integer, primary_key=True), Column("text", Text))
    with pytest.raises(UnclassifiedTable, match="notes"):
        personal_tables(metadata)
    # ...and one owned through a chain of foreign keys is found.
    Table(
        "badges",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("worker", BigInteger, ForeignKey("users.id")),
    )
    Table(
        "badge_views",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("badge_id", ForeignKey("badges.id")),
    )
    metadata.remove(metadata.tables["notes"])
    names = [o.table.name for o in personal_tables(metadata)]
    assert names == ["users", "badges", "badge_views"]


# --- synthetic rows for every personal table -------------------------------------------


def _value(column: Column[Any], owner: int, n: int) -> Any:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return START
    if isinstance(kind, BigInteger | Integer):
        return n
    if isinstance(kind, Float):
        return 1.5
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, Time):
        return time(9, 0)
    if isinstance(kind, JSON):
        return {"owner": owner} if column.name != "steps" else []
    if isinstance(kind, String | Text):
        return f"x{owner}-{n}"[: getattr(kind, "length", None) or 64]
    if isinstance(kind, datetime):
        return START
    raise AssertionError(f"teach _value about {kind!r} ({column})")


SPECIAL_ROWS = {
    "conversation_states": lambda owner, n: {
        "name": f"synthetic{n}",
        "key": json.dumps([owner, owner]),
        "state": {"state": "hours"},
        "updated_at": START,
    },
    "persisted_data": lambda owner, n: {
        "kind": "chat",  # the private chat's data (user data the story already made)
        "owner_id": owner,
        "data": {"synthetic": n},
        "updated_at": START,
    },
    "update_inbox": lambda owner, n: {
        "update_id": 900_000 + n,
        "payload": {
            "update_id": 900_000 + n,
            "message": {"from": {"id": owner}, "chat": {"id": owner}, "text": "hi"},
        },
        "status": "done",
        "attempts": 1,
        "received_at": START,
    },
}
assert set(SPECIAL_ROWS) == set(OWNED_BY_RULE)


async def _fill(connection: Any, owner: int, counter: list[int]) -> None:
    """One row in every personal table for `owner` (who may already have some)."""
    tables = personal_tables()
    made: dict[str, dict[str, Any]] = {}
    for ownership in tables:
        table = ownership.table
        counter[0] += 1
        n = counter[0]
        if table.name in SPECIAL_ROWS:
            try:
                async with connection.begin_nested():
                    await connection.execute(
                        insert(table).values(SPECIAL_ROWS[table.name](owner, n))
                    )
            except IntegrityError:
                pass  # the story already made this owner's row there
            continue
        if table.name == "users":
            exists = await connection.scalar(select(table.c.id).where(table.c.id == owner))
            if exists is None:
                row = {c.name: _value(c, owner, n) for c in table.columns}
                row["id"] = owner
                await connection.execute(insert(table).values(row))
            made["users"] = {"id": owner}
            continue
        row = {}
        for column in table.columns:
            if (
                (column.primary_key
                and column.autoincrement is True)
                or (
                    column.primary_key
                    and isinstance(column.type, Integer)
                    and not column.foreign_keys
                    and len(table.primary_key.columns) == 1
                )
            ):
                continue  # the database numbers it
            if column.name in ownership.direct:
                row[column.name] = owner
                continue
            target = next(iter(column.foreign_keys), None)
            if target is not None and target.column.table.name in made:
                row[column.name] = made[target.column.table.name][target.column.name]
            elif target is not None:  # catalog data: any existing row
                row[column.name] = await connection.scalar(
                    select(target.column).order_by(target.column).limit(1)
                )
            else:
                row[column.name] = _value(column, owner, n)
        try:
            async with connection.begin_nested():
                result = await connection.execute(
                    insert(table).values(row).returning(*table.columns)
                )
                made[table.name] = dict(result.mappings().one())
        except IntegrityError:  # one row per owner (a profile), made by the story already
            column = table.c[ownership.direct[0]]
            result = await connection.execute(select(table).where(column == owner).limit(1))
            made[table.name] = dict(result.mappings().one())


async def _rows_of(connection: Any, ownerships: list[Ownership]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for ownership in ownerships:
        table = ownership.table
        rows = (await connection.execute(select(table))).all()
        out[table.name] = sorted(tuple(map(str, r)) for r in rows)
    return out


def _mentions(row: tuple, owner: int) -> bool:
    return any(str(owner) in value for value in row)


@pytest.fixture
def production_logging() -> Any:
    """Logging as `python -m bot run` sets it up (into a buffer), put back afterwards."""
    root = logging.getLogger()
    chatty = logging.getLogger("bot.request")  # logs every request's URL at DEBUG
    saved = root.handlers[:], root.level, chatty.level
    buffer = io.StringIO()
    configure_logging("INFO", TOKEN, stream=buffer)
    chatty.setLevel(logging.DEBUG)  # even a logger that shows the URLs is redacted
    yield buffer
    root.handlers[:], root.level = saved[0], saved[1]
    chatty.setLevel(saved[2])


async def test_export_then_delete_covers_every_table_and_spares_the_other_worker(
    harness: Harness, production_logging: io.StringIO
) -> None:
    worker = harness.emulator.user(ASKER, "Ana", language_code="en")
    secret_words = "my boss Rodrigo underpays me"
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Electrician"))
    await reply_to(worker, worker.send(secret_words))
    engine = harness.services.engine
    counter = [0]
    async with engine.begin() as connection:
        await _fill(connection, ASKER, counter)
        await _fill(connection, OTHER, counter)
    tables = personal_tables()
    async with engine.connect() as connection:
        before = await _rows_of(connection, tables)

    explained = await reply_to(worker, worker.send("/privacy"))
    assert "What I keep about you, and why" in texts(explained)

    sent = await reply_to(worker, worker.send("/export"))
    assert sent[-1].data["document"]["file_name"] == "toolbox-my-data.json"
    stored = harness.emulator.state.files.get(sent[-1].data["document"]["file_id"])
    exported = json.loads(stored.content)
    assert exported["user_id"] == ASKER
    for ownership in tables:
        name = ownership.table.name
        assert exported["tables"][name], f"nothing of {name} exported"
        assert str(OTHER) not in json.dumps(exported["tables"][name]), name

    asked = await reply_to(worker, worker.send("/delete"))
    assert "Erase everything?" in texts(asked)
    assert labels(asked) == ["Yes, erase everything", "No, keep it"]
    done = await reply_to(worker, worker.press("Yes, erase everything"))
    assert texts(done) == (
        "Done: I erased everything I stored about you. If you write again, I start from scratch."
    )
    await harness.stop()  # flushes whatever PTB still held; nothing may come back

    async with engine.connect() as connection:
        after = await _rows_of(connection, tables)
        users = await connection.scalar(
            select(func.count()).select_from(Base.metadata.tables["users"])
        )
    assert users == 1  # the other worker
    for name, rows in after.items():
        mine = [row for row in rows if _mentions(row, ASKER)]
        assert not mine, (name, mine)
        others = [row for row in before[name] if _mentions(row, OTHER)]
        assert others and all(row in rows for row in others), name

    logged = production_logging.getvalue()
    assert "HTTP Request: POST" in logged  # the chatty logger did log its URLs
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
    assert secret_words not in logged
    assert "Erased user data on request" in logged


async def test_delete_can_be_called_off(harness: Harness) -> None:
    worker = harness.emulator.user(4_100_000_003, "Bo", language_code="en")
    await reply_to(worker, worker.send("/start"))
    await reply_to(worker, worker.press("Welder"))
    await reply_to(worker, worker.send("/cancel"))
    await reply_to(worker, worker.send("delete my data"))  # typed, not the command
    kept = await reply_to(worker, worker.press("No, keep it"))
    assert texts(kept) == "Nothing erased. Your data stays as it was."
    users = Base.metadata.tables["users"]
    async with harness.services.engine.connect() as connection:
        assert await connection.scalar(select(users.c.id).where(users.c.id == 4_100_000_003))
