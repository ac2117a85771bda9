"""The worker's profile: what the ranking needs, saved answer by answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from bot.clock import Clock
from bot.db.models import DismissedCredential, EarnedCredential, Profile, User
from bot.services.badges import ensure_badge
from bot.services.reminders import reschedule_user
from bot.services.timezones import timezone_for_region
from catalog import Profile as RankingProfile

NO_LIMIT = -1  # budget_usd: the worker said any price is fine (None: not answered)
EDITABLE = {
    "trade",
    "experience",
    "goals",
    "about",
    "weekly_hours",
    "budget_usd",
    "delivery",
    "region",
}


@dataclass(frozen=True)
class ProfileView:
    """A plain snapshot of the profile and the lists the ranking needs."""

    trade: str | None
    experience: str | None
    goals: tuple[str, ...]
    about: str | None
    weekly_hours: int | None
    budget_usd: int | None
    delivery: str | None
    region: str | None
    timezone: str | None
    holds: tuple[str, ...]
    dismissed: tuple[str, ...]
    completed: bool

    def ranking_profile(self) -> RankingProfile:
        return RankingProfile(
            trade=self.trade,
            experience=self.experience,
            goals=set(self.goals),
            about=self.about,
            weekly_hours=self.weekly_hours,
            budget_usd=None if self.budget_usd == NO_LIMIT else self.budget_usd,
            delivery=self.delivery or "any",
            region=self.region,
            holds=set(self.holds),
            dismissed=set(self.dismissed),
        )


async def profile_row(session: AsyncSession, clock: Clock, user_id: int) -> Profile:
    profile = await session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id, goals=[], updated_at=clock.now())
        session.add(profile)
        await session.flush()
    return profile


async def update_profile(
    session: AsyncSession, clock: Clock, user_id: int, **fields: Any
) -> Profile:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    profile = await profile_row(session, clock, user_id)
    for name, value in fields.items():
        setattr(profile, name, list(value) if name == "goals" else value)
    profile.updated_at = clock.now()
    return profile


async def toggle_goal(session: AsyncSession, clock: Clock, user_id: int, goal: str) -> list[str]:
    """Add the goal, or take it off when it is there; return the goals now held."""
    profile = await profile_row(session, clock, user_id)
    goals = list(profile.goals or [])
    profile.goals = [g for g in goals if g != goal] if goal in goals else [*goals, goal]
    profile.updated_at = clock.now()
    return list(profile.goals)


async def set_region(
    session: AsyncSession,
    clock: Clock,
    user_id: int,
    region: str,
    zone: str | None = None,
    *,
    default_tz: str,
) -> None:
    """Where the worker works. A town's zone (`zone`), or a region with one clear zone,
    moves the worker's clock too (they moved); a split region (the US as a whole)
    leaves it as it was."""
    await update_profile(session, clock, user_id, region=region)
    zone = zone or timezone_for_region(region)
    if zone:
        await set_timezone(session, clock, user_id, zone, default_tz=default_tz)


async def set_timezone(
    session: AsyncSession, clock: Clock, user_id: int, tz: str | None, *, default_tz: str
) -> None:
    """Set the user's zone; every reminder moves with it (their local times stay put)."""
    user = await session.get(User, user_id)
    if user is None:
        return
    changed = user.timezone != tz
    user.timezone = tz
    user.updated_at = clock.now()
    if changed:
        await reschedule_user(session, clock, user_id, default_tz)


async def complete_profile(
    session: AsyncSession, clock: Clock, user_id: int, *, default_tz: str
) -> None:
    """The last question is answered: guess the timezone from the region when unknown."""
    user = await session.get(User, user_id)
    if user is not None and user.timezone is None:
        profile = await profile_row(session, clock, user_id)
        zone = timezone_for_region(profile.region)
        await set_timezone(session, clock, user_id, zone, default_tz=default_tz)
    profile = await profile_row(session, clock, user_id)
    profile.completed_at = profile.completed_at or clock.now()
    profile.updated_at = clock.now()


async def reset_profile(session: AsyncSession, clock: Clock, user_id: int) -> None:
    """Start onboarding over; held credentials and dismissals are kept on purpose."""
    profile = await profile_row(session, clock, user_id)
    for name in EDITABLE:
        setattr(profile, name, [] if name == "goals" else None)
    profile.completed_at = None
    profile.updated_at = clock.now()


# Built once: load_profile runs on nearly every update, and building a statement costs
# more than running it.
_USER_AND_PROFILE = (
    select(User, Profile)
    .outerjoin(Profile, Profile.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)
_HELD_AND_DISMISSED = (
    select(literal("held"), EarnedCredential.credential_id)
    .where(EarnedCredential.user_id == bindparam("user_id"))
    .union_all(
        select(literal("dismissed"), DismissedCredential.credential_id).where(
            DismissedCredential.user_id == bindparam("user_id")
        )
    )
)


async def load_profile(
    session: AsyncSession, user_id: int, lists_from: ProfileView | None = None
) -> ProfileView:
    """At most two statements, on every update's path: the user with their profile (none
    when this session already holds both), then the credentials they hold and the ones
    they dismissed, together (none when `lists_from`, read earlier in this update,
    still holds them: the caller changed neither list since)."""
    known = session.identity_map  # after an answer is saved both are here: no statement
    user = known.get(identity_key(User, user_id))
    profile = known.get(identity_key(Profile, user_id))
    if user is None or profile is None:
        found = (await session.execute(_USER_AND_PROFILE, {"user_id": user_id})).first()
        user, profile = found if found is not None else (None, None)
        # The identity map holds rows weakly: keep these for the session's life, so an
        # answer written next in it finds them without reading them again.
        if found is not None:
            session.info.setdefault("profile_rows", []).append(found)
    holds: list[str] = []
    dismissed: list[str] = []
    if lists_from is not None:
        holds, dismissed = list(lists_from.holds), list(lists_from.dismissed)
    else:
        lists = await session.execute(_HELD_AND_DISMISSED, {"user_id": user_id})
        for kind, credential_id in lists:
            (holds if kind == "held" else dismissed).append(credential_id)
    return ProfileView(
        trade=profile.trade if profile else None,
        experience=profile.experience if profile else None,
        goals=tuple(profile.goals or ()) if profile else (),
        about=profile.about if profile else None,
        weekly_hours=profile.weekly_hours if profile else None,
        budget_usd=profile.budget_usd if profile else None,
        delivery=profile.delivery if profile else None,
        region=profile.region if profile else None,
        timezone=user.timezone if user else None,
        holds=tuple(holds),
        dismissed=tuple(dismissed),
        completed=bool(profile and profile.completed_at),
    )


async def add_held(session: AsyncSession, clock: Clock, user_id: int, credential_id: str) -> bool:
    """Record a credential the user already holds; False when it was already there."""
    exists = await session.scalar(
        select(EarnedCredential.id).where(
            EarnedCredential.user_id == user_id, EarnedCredential.credential_id == credential_id
        )
    )
    if exists:
        return False
    row = EarnedCredential(user_id=user_id, credential_id=credential_id, created_at=clock.now())
    session.add(row)
    await session.flush()
    await ensure_badge(session, clock, row.id)  # held from before: a badge like any other
    return True


async def remove_held(session: AsyncSession, user_id: int, credential_id: str) -> None:
    row = await session.scalar(
        select(EarnedCredential).where(
            EarnedCredential.user_id == user_id, EarnedCredential.credential_id == credential_id
        )
    )
    if row is not None:
        await session.delete(row)


async def dismiss(session: AsyncSession, clock: Clock, user_id: int, credential_id: str) -> None:
    """ "Not for me": remembered for good."""
    if await session.get(DismissedCredential, (user_id, credential_id)) is None:
        session.add(
            DismissedCredential(
                user_id=user_id, credential_id=credential_id, dismissed_at=clock.now()
            )
        )


async def undismiss(session: AsyncSession, user_id: int, credential_id: str) -> None:
    """Undo "Not for me": the credential may be suggested again."""
    row = await session.get(DismissedCredential, (user_id, credential_id))
    if row is not None:
        await session.delete(row)
