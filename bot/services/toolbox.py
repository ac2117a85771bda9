"""The worker's toolbox as plain values: what they hold and how it stands (valid, renew
within 90 days, expired), and the next step on their path (credentials whose catalog
prerequisites they now meet). `/toolbox`, `/resume` and the LinkedIn buttons read this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.services.earned import list_earned
from catalog.model import Catalog
from catalog.schema import Credential

RENEW_WITHIN = timedelta(days=90)  # the first renewal alert goes out 90 days before


class Standing(StrEnum):
    VALID = "valid"
    RENEW = "renew"  # expires within 90 days
    EXPIRED = "expired"
    NO_EXPIRY = "no_expiry"  # the catalog confirms it never expires
    UNKNOWN = "unknown"  # nobody told us when it expires


@dataclass(frozen=True)
class Badge:
    """What a badge adds to a résumé line: its verification code, and whether the worker
    attached evidence (otherwise the credential is self-reported)."""

    code: str
    evidence: bool


@dataclass(frozen=True)
class HeldCredential:
    earned_id: int
    credential_id: str
    name: str
    issuer: str
    earned_on: date | None
    expires_on: date | None
    standing: Standing
    badge: Badge | None
    page: str | None  # the catalog's page for it: LinkedIn's certUrl when no badge page

    @property
    def self_reported(self) -> bool:
        return self.badge is None or not self.badge.evidence


def standing(credential: Credential | None, expires_on: date | None, today: date) -> Standing:
    if expires_on is not None:
        if expires_on < today:
            return Standing.EXPIRED
        return Standing.RENEW if expires_on - today <= RENEW_WITHIN else Standing.VALID
    if credential is not None and credential.renewal is not None and not credential.renewal.expires:
        return Standing.NO_EXPIRY
    return Standing.UNKNOWN


async def badge_for(session: AsyncSession, earned_id: int) -> Badge | None:
    """The badge of a held credential, or None (no badge yet, or revoked)."""
    row = await session.scalar(
        select(models.Badge).where(
            models.Badge.earned_id == earned_id, models.Badge.revoked_at.is_(None)
        )
    )
    return Badge(row.code, row.evidence_file_id is not None) if row else None


async def held_credentials(
    session: AsyncSession, user_id: int, catalog: Catalog, today: date
) -> list[HeldCredential]:
    """Everything the worker recorded, oldest first, with its standing today."""
    out = []
    for held in await list_earned(session, user_id):
        credential = catalog.credentials.get(held.credential_id)
        out.append(
            HeldCredential(
                earned_id=held.earned_id,
                credential_id=held.credential_id,
                name=credential.name if credential else held.credential_id,
                issuer=credential.issuer if credential else "",
                earned_on=held.earned_on,
                expires_on=held.expires_on,
                standing=standing(credential, held.expires_on, today),
                badge=await badge_for(session, held.earned_id),
                page=str(credential.source_url) if credential else None,
            )
        )
    return out


def next_steps(
    catalog: Catalog, held: set[str], planned: set[str], limit: int = 2
) -> list[Credential]:
    """Credentials a held one leads to whose prerequisites (the ones that name catalog
    credentials) are all held, not held or planned already; firm credentials left out."""
    out: list[Credential] = []
    for held_id in sorted(held):
        credential = catalog.credentials.get(held_id)
        for step_id in credential.leads_to if credential else ():
            step = catalog.credentials.get(step_id)
            if step is None or step_id in held or step_id in planned or step.holder != "person":
                continue
            needed = {p for p in step.prerequisites if p in catalog.credentials}
            if needed <= held and step not in out:
                out.append(step)
            if len(out) >= limit:
                return out
    return out
