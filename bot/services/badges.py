"""Badges: one per earned credential, private until the worker shares it.

A badge has a short unguessable code for verification, the worker's evidence (Telegram's
file_id only; the file never touches our disk) and the uploaded card's file_id, so each
card is drawn and uploaded once. Revoking hides it from the wall, every crew board and
verification. Crew boards show only members who opted in, and only their first name,
recent badges and weekly study streak: no profile field ever reaches a group.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import Badge, EarnedCredential, GroupOptIn, Plan, User
from bot.services.progress import week_streak

# No 0/O, 1/I/L: read aloud or typed from a photo of the card without mistakes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes: not guessable by trying
RECENT_ON_BOARD = 2
BOARD_SIZE = 50  # members read for one board; the handler fits what a phone screen holds


class BadgeNotFound(LookupError):
    """No such badge for this worker (or it was revoked)."""


@dataclass(frozen=True)
class BadgeView:
    id: int
    code: str
    user_id: int
    holder: str  # first name only
    credential_id: str
    earned_on: date | None
    evidence: bool
    card_hash: str | None
    card_file_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class CrewMember:
    """What a crew board may show of a member, and nothing else."""

    first_name: str
    badges: tuple[str, ...]  # credential ids, newest first
    streak_weeks: int


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a worker types ("abcd-2345 67") → the stored form; "" when it cannot be one."""
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


async def ensure_badge(session: AsyncSession, clock: Clock, earned_id: int) -> Badge:
    """The badge of an earned credential, created on first record. Recording a revoked
    badge's credential again brings it back with a new code (old links stay dead)."""
    badge = await session.scalar(select(Badge).where(Badge.earned_id == earned_id))
    if badge is None:
        badge = Badge(earned_id=earned_id, code=new_code(), created_at=clock.now())
        session.add(badge)
    elif badge.revoked_at is not None:
        badge.revoked_at = None
        badge.code = new_code()
        badge.congratulated_at = None
        badge.card_hash = badge.card_file_id = None  # the code is printed on the card
    await session.flush()
    return badge


def _select_views() -> Any:
    return (
        select(Badge, EarnedCredential, User.first_name)
        .join(EarnedCredential, EarnedCredential.id == Badge.earned_id)
        .join(User, User.id == EarnedCredential.user_id)
        .where(Badge.revoked_at.is_(None))
    )


def _view(badge: Badge, earned: EarnedCredential, first_name: str) -> BadgeView:
    return BadgeView(
        id=badge.id,
        code=badge.code,
        user_id=earned.user_id,
        holder=first_name,
        credential_id=earned.credential_id,
        earned_on=earned.earned_on,
        evidence=badge.evidence_file_id is not None,
        card_hash=badge.card_hash,
        card_file_id=badge.card_file_id,
        created_at=badge.created_at,
    )


async def wall(session: AsyncSession, user_id: int, limit: int = 50) -> list[BadgeView]:
    """The worker's badges, newest first (the most recently earned, then recorded)."""
    rows = await session.execute(
        _select_views()
        .where(EarnedCredential.user_id == user_id)
        .order_by(Badge.created_at.desc(), Badge.id.desc())
        .limit(limit)
    )
    return [_view(*row) for row in rows]


async def own_badge(session: AsyncSession, user_id: int, badge_id: int) -> BadgeView:
    row = (
        await session.execute(
            _select_views().where(Badge.id == badge_id, EarnedCredential.user_id == user_id)
        )
    ).first()
    if row is None:
        raise BadgeNotFound(badge_id)
    return _view(*row)


async def by_code(session: AsyncSession, code: str) -> BadgeView | None:
    """The live badge with this code; None for unknown, mistyped or revoked codes."""
    code = normalize_code(code)
    if not code:
        return None
    row = (await session.execute(_select_views().where(Badge.code == code))).first()
    return _view(*row) if row else None


async def _own_row(session: AsyncSession, user_id: int, badge_id: int) -> Badge:
    badge = await session.scalar(
        select(Badge)
        .join(EarnedCredential, EarnedCredential.id == Badge.earned_id)
        .where(
            Badge.id == badge_id,
            EarnedCredential.user_id == user_id,
            Badge.revoked_at.is_(None),
        )
    )
    if badge is None:
        raise BadgeNotFound(badge_id)
    return badge


async def remember_card(
    session: AsyncSession, user_id: int, badge_id: int, card_hash: str, file_id: str
) -> None:
    """The uploaded card's file_id, reused until the card's content changes."""
    badge = await _own_row(session, user_id, badge_id)
    badge.card_hash, badge.card_file_id = card_hash, file_id


async def attach_evidence(
    session: AsyncSession, user_id: int, badge_id: int, file_id: str, kind: str
) -> None:
    badge = await _own_row(session, user_id, badge_id)
    badge.evidence_file_id, badge.evidence_kind = file_id, kind


async def revoke(session: AsyncSession, clock: Clock, user_id: int, badge_id: int) -> None:
    badge = await _own_row(session, user_id, badge_id)
    badge.revoked_at = clock.now()


async def congratulate_once(session: AsyncSession, clock: Clock, badge_id: int) -> bool:
    """True the first time a badge is posted in a group: the bot says well done once."""
    badge = await session.get(Badge, badge_id)
    if badge is None or badge.revoked_at is not None or badge.congratulated_at is not None:
        return False
    badge.congratulated_at = clock.now()
    return True


# ---------------------------------------------------------------- crew board ---------


async def join_crew(
    session: AsyncSession, clock: Clock, chat_id: int, user_id: int, chat_title: str
) -> bool:
    """Opt in to a group's crew board; False when already in."""
    if await session.get(GroupOptIn, (chat_id, user_id)) is not None:
        return False
    session.add(
        GroupOptIn(
            chat_id=chat_id, user_id=user_id, chat_title=chat_title[:256], opted_in_at=clock.now()
        )
    )
    return True


async def leave_crew(session: AsyncSession, chat_id: int, user_id: int) -> bool:
    row = await session.get(GroupOptIn, (chat_id, user_id))
    if row is None:
        return False
    await session.delete(row)
    return True


async def crew_board(session: AsyncSession, clock: Clock, chat_id: int) -> list[CrewMember]:
    """Opted-in members of this group, earliest first, with what they agreed to show."""
    members = await session.execute(
        select(User.id, User.first_name)
        .join(GroupOptIn, GroupOptIn.user_id == User.id)
        .where(GroupOptIn.chat_id == chat_id)
        .order_by(GroupOptIn.opted_in_at, User.id)
        .limit(BOARD_SIZE)
    )
    board = []
    for user_id, first_name in members:
        recent = await wall(session, user_id, limit=RECENT_ON_BOARD)
        plan_ids = list(await session.scalars(select(Plan.id).where(Plan.user_id == user_id)))
        streak = await week_streak(session, plan_ids, clock.now())
        board.append(CrewMember(first_name, tuple(b.credential_id for b in recent), streak))
    return board


# ---------------------------------------------------------------- Open Badges --------

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def open_badge(
    badge: BadgeView,
    *,
    name: str,
    issuer: str,
    description: str,
    source_url: str,
    verify_url: str,
    bot_url: str,
) -> dict[str, Any]:
    """An Open Badges 3.0 credential, unsigned: Toolbox records what the worker reported,
    so the export says it is self-asserted and carries no proof."""
    valid_from = (badge.earned_on or badge.created_at.date()).isoformat() + "T00:00:00Z"
    return {
        "@context": OB3_CONTEXT,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": verify_url,
        "name": name,
        "issuer": {
            "id": bot_url,
            "type": ["Profile"],
            "name": "Toolbox (self-asserted by the holder, not by " + issuer + ")",
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": badge.holder,
            "achievement": {
                "id": source_url,
                "type": ["Achievement"],
                "name": name,
                "description": description,
                "criteria": {"narrative": f"Earned from {issuer}; reported by the holder."},
            },
        },
        "evidence": (
            [{"type": ["Evidence"], "name": "Certificate sent by the holder (not checked)"}]
            if badge.evidence
            else []
        ),
        "selfAsserted": True,
        "note": (
            "Unsigned and self-asserted: the holder reported this credential to Toolbox. "
            "It is not signed by the issuer; check with the issuer to confirm it."
        ),
    }
