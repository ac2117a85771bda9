"""Everything stored about one worker: found by walking the schema, exported, erased.

Nothing here lists our tables by hand. Every table in `Base.metadata` is either catalog
data (`NOT_PERSONAL`), or owned by a user in one of these ways, found from the schema:

- the `users` row itself;
- a column with a foreign key to `users.id` (or a column named `user_id`, in case a table
  forgets its foreign key);
- a foreign key to a row that is itself owned (a progress log points to a plan, a reminder
  to an earned credential): followed as far as it goes;
- the three tables that key on Telegram ids in other shapes (`OWNED_BY_RULE`): PTB's
  persisted user and private-chat data, conversation states keyed by JSON lists of ids,
  and the update inbox, whose payload names the sender.

A table added later that fits none of these makes `personal_tables` raise
`UnclassifiedTable`, so it can neither escape /delete nor /export silently
(tests/test_privacy.py walks the metadata too).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Base

USERS = "users"
# Catalog data mirrored from catalog/data: the same for everyone, nobody's personal data.
NOT_PERSONAL = frozenset({"trades", "credentials", "credential_trades"})
INBOX_SCAN_BATCH = 500  # update inbox rows read at a time when looking for a sender


class UnclassifiedTable(RuntimeError):
    """A table neither catalog data nor reachable from a user: say how it is owned."""


def _conversation_keys(table: Table, user_id: int) -> ColumnElement[bool]:
    """Conversation keys are JSON lists like "[chat_id, user_id]" (bot/persistence.py);
    a private chat's id is the user's id, so any position naming the user is theirs."""
    key = table.c.key
    n = str(int(user_id))
    return or_(
        key == f"[{n}]",
        key.like(f"[{n}, %"),
        key.like(f"%, {n}]"),
        key.like(f"%, {n}, %"),
    )


def _persisted_data(table: Table, user_id: int) -> ColumnElement[bool]:
    """PTB's user_data, and the chat_data of the private chat (whose id is the user's)."""
    return and_(table.c.kind.in_(("user", "chat")), table.c.owner_id == user_id)


# Tables keyed on Telegram ids in a shape foreign keys cannot express. The inbox has no SQL
# rule: its payload is JSON, read in Python (see `_inbox_ids`) so it works on both databases.
OWNED_BY_RULE: dict[str, Callable[[Table, int], ColumnElement[bool]] | None] = {
    "conversation_states": _conversation_keys,
    "persisted_data": _persisted_data,
    "update_inbox": None,
}


@dataclass(frozen=True)
class Ownership:
    """How one table's rows are found for a user."""

    table: Table
    direct: tuple[str, ...] = ()  # columns holding the user's id
    through: tuple[tuple[str, Table, str], ...] = ()  # (column, owned parent, parent column)
    rule: Callable[[Table, int], ColumnElement[bool]] | None = None
    payload_scan: bool = False  # the update inbox: the sender is inside the JSON


def _is_user_column(table: Table, column_name: str) -> bool:
    column = table.c[column_name]
    return column_name == "user_id" or any(
        fk.column.table.name == USERS and fk.column.name == "id" for fk in column.foreign_keys
    )


def personal_tables(metadata: Any = Base.metadata) -> list[Ownership]:
    """Every table holding personal data, parents before children (FK order).

    Raises `UnclassifiedTable` for a table that is neither catalog data nor owned.
    """
    owned: dict[str, Ownership] = {}
    for table in metadata.sorted_tables:  # parents come first, so `through` can look back
        name = table.name
        if name in NOT_PERSONAL:
            continue
        if name == USERS:
            owned[name] = Ownership(table, direct=("id",))
            continue
        if name in OWNED_BY_RULE:
            rule = OWNED_BY_RULE[name]
            owned[name] = Ownership(table, rule=rule, payload_scan=rule is None)
            continue
        direct = tuple(c.name for c in table.columns if _is_user_column(table, c.name))
        through = tuple(
            (fk.parent.name, owned[fk.column.table.name].table, fk.column.name)
            for fk in table.foreign_keys
            if fk.column.table.name in owned
            and fk.column.table.name != USERS
            and fk.parent.name not in direct
        )
        if not direct and not through:
            raise UnclassifiedTable(
                f"table {name!r} is neither catalog data (NOT_PERSONAL) nor linked to a "
                "user: give it a user_id foreign key, or a rule in OWNED_BY_RULE"
            )
        owned[name] = Ownership(table, direct=direct, through=through)
    return list(owned.values())


def _owned_by(ownership: Ownership, user_id: int, by_name: dict[str, Ownership]) -> Any:
    """A WHERE clause for this user's rows of the table (nested for `through`)."""
    table = ownership.table
    if ownership.rule is not None:
        return ownership.rule(table, user_id)
    clauses: list[ColumnElement[bool]] = [table.c[name] == user_id for name in ownership.direct]
    for column, parent, parent_column in ownership.through:
        parent_rows = select(parent.c[parent_column]).where(
            _owned_by(by_name[parent.name], user_id, by_name)
        )
        clauses.append(table.c[column].in_(parent_rows))
    return or_(*clauses) if clauses else false()


def _payload_mentions(payload: object, user_id: int) -> bool:
    """Whether an update's JSON was sent by, or in the private chat of, this user."""
    if not isinstance(payload, dict):
        return False
    for value in payload.values():
        if isinstance(value, dict):
            sender = value.get("from")
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if isinstance(sender, dict) and sender.get("id") == user_id:
                return True
            if isinstance(chat, dict) and chat.get("id") == user_id:
                return True
    return False


async def _inbox_ids(session: AsyncSession, table: Table, user_id: int) -> list[int]:
    found: list[int] = []
    last = None
    while True:
        query = select(table.c.update_id, table.c.payload).order_by(table.c.update_id)
        if last is not None:
            query = query.where(table.c.update_id > last)
        rows = (await session.execute(query.limit(INBOX_SCAN_BATCH))).all()
        if not rows:
            return found
        found.extend(
            update_id for update_id, payload in rows if _payload_mentions(payload, user_id)
        )
        last = rows[-1][0]


async def _where(
    session: AsyncSession, ownership: Ownership, user_id: int, by_name: dict[str, Ownership]
) -> Any:
    if ownership.payload_scan:
        ids = await _inbox_ids(session, ownership.table, user_id)
        return ownership.table.c.update_id.in_(ids) if ids else false()
    return _owned_by(ownership, user_id, by_name)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


async def export_user(session: AsyncSession, clock: Clock, user_id: int) -> dict[str, Any]:
    """Every stored row about the user, table by table, as plain JSON-ready values."""
    tables = personal_tables()
    by_name = {o.table.name: o for o in tables}
    out: dict[str, Any] = {"user_id": user_id, "exported_at": clock.now().isoformat(), "tables": {}}
    for ownership in tables:
        table = ownership.table
        where = await _where(session, ownership, user_id, by_name)
        rows = (await session.execute(select(table).where(where))).mappings().all()
        out["tables"][table.name] = [
            {key: _plain(value) for key, value in row.items()} for row in rows
        ]
    return out


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


async def delete_user(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Erase the user's rows everywhere, children first; return rows erased per table.

    Run inside the caller's transaction: all of it happens, or none.
    """
    tables = personal_tables()
    by_name = {o.table.name: o for o in tables}
    # Work out every WHERE first: a child's clause selects from its parent, which must
    # still be there when the child's rows go.
    wheres = [(o.table, await _where(session, o, user_id, by_name)) for o in tables]
    erased: dict[str, int] = {}
    for table, where in reversed(wheres):
        result = await session.execute(delete(table).where(where))
        erased[table.name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return erased
