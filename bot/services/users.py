"""Users: who is talking to us, in which language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import User
from bot.i18n import pick_language

SEEN_EVERY = timedelta(hours=1)


async def touch_user(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    first_name: str,
    language_code: str | None,
) -> User:
    """Create the user on first contact; keep name and (unless chosen) language fresh."""
    now = clock.now()
    user = await session.get(User, user_id)
    if user is None:
        user = User(
            id=user_id,
            first_name=first_name[:128],
            language=pick_language(language_code),
            language_chosen=False,
            is_active=True,
            last_seen_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        return user
    # Only real changes are written: /help must work while the database is read-only.
    language = pick_language(language_code) if language_code else user.language
    if not user.is_active:
        user.is_active = True
        user.blocked_at = None
    if user.first_name != first_name[:128]:
        user.first_name = first_name[:128]
    if not user.language_chosen and user.language != language:
        user.language = language
    if user in session.dirty and session.is_modified(user):
        user.updated_at = now
    if user.last_seen_at is None or now - user.last_seen_at >= SEEN_EVERY:
        user.last_seen_at = now  # hourly at most, so a read-only database rarely matters
    return user


async def choose_language(session: AsyncSession, clock: Clock, user_id: int, language: str) -> str:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    user.language = pick_language(language)
    user.language_chosen = True
    user.updated_at = clock.now()
    return user.language


async def mark_blocked(session: AsyncSession, clock: Clock, user_id: int) -> None:
    """Telegram said 403: stop writing to this user until they come back."""
    user = await session.get(User, user_id)
    if user is not None:
        user.is_active = False
        user.blocked_at = clock.now()
