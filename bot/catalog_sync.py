"""Mirror catalog/data into the database on migrate and start: an operator edits a file
and restarts. Idempotent; a record that disappeared from the files is retired, not deleted,
because plans and badges may point at it.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import Credential, CredentialTrade, Trade
from catalog import Catalog


async def sync_catalog(
    sessions: async_sessionmaker[AsyncSession], catalog: Catalog, clock: Clock
) -> int:
    """Upsert trades and credentials; return how many credential rows changed."""
    now = clock.now()
    changed = 0
    async with sessions.begin() as session:
        for trade in catalog.trades.values():
            await session.merge(
                Trade(id=trade.id, name=trade.name, soc=trade.soc, aliases=list(trade.aliases))
            )
        existing = {row.id: row for row in await session.scalars(select(Credential))}
        for record in catalog.credentials.values():
            document = record.model_dump(mode="json")
            row = existing.get(record.id)
            if row is not None and row.record == document and not row.retired:
                continue
            changed += 1
            await session.merge(
                Credential(
                    id=record.id,
                    name=record.name,
                    issuer=record.issuer,
                    type=record.type,
                    source_url=str(record.source_url),
                    last_reviewed=record.last_reviewed,
                    record=document,
                    retired=False,
                    updated_at=now,
                )
            )
            await session.flush()
            await session.execute(
                delete(CredentialTrade).where(CredentialTrade.credential_id == record.id)
            )
            session.add_all(
                CredentialTrade(credential_id=record.id, trade_id=trade_id)
                for trade_id in dict.fromkeys(record.trades)
                if trade_id in catalog.trades
            )
        gone = set(existing) - set(catalog.credentials)
        if gone:
            await session.execute(
                update(Credential)
                .where(Credential.id.in_(gone), Credential.retired.is_(False))
                .values(retired=True, updated_at=now)
            )
    return changed
