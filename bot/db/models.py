"""SQLAlchemy 2.0 typed models. The database is the source of truth for everything.

Types are chosen to behave the same on SQLite and PostgreSQL: JSON (not JSONB), timezone-
aware timestamps stored as UTC, BigInteger for Telegram ids (they exceed 2**31).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use the clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Written at most once an hour (bot/services/users.py), for /stats' "active".
    last_seen_at: Mapped[datetime | None]

    profile: Mapped[Profile | None] = relationship(back_populates="user", uselist=False)


class Profile(Base):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    trade: Mapped[str | None] = mapped_column(String(64))
    experience: Mapped[str | None] = mapped_column(String(16))
    goals: Mapped[list[Any]] = mapped_column(default=list)
    about: Mapped[str | None] = mapped_column(Text)
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    budget_usd: Mapped[int | None] = mapped_column(Integer)
    delivery: Mapped[str | None] = mapped_column(String(16))
    # The country is the region's prefix, and the check-in day and time live in the weekly
    # reminder's schedule: each fact is stored once.
    region: Mapped[str | None] = mapped_column(String(16))
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="profile")


class Trade(Base):
    __tablename__ = "trades"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    soc: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list[Any]] = mapped_column(default=list)


class Credential(Base):
    """A catalog record mirrored from catalog/data; `record` holds the validated file entry."""

    __tablename__ = "credentials"

    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    source_url: Mapped[str] = mapped_column(String(500))
    last_reviewed: Mapped[date] = mapped_column(Date)
    record: Mapped[dict[str, Any]] = mapped_column()
    # A record removed from the data files is retired, not deleted: plans and badges keep it.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class CredentialTrade(Base):
    __tablename__ = "credential_trades"

    credential_id: Mapped[str] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True
    )
    trade_id: Mapped[str] = mapped_column(
        ForeignKey("trades.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DismissedCredential(Base):
    """ "Not for me": never suggested to this user again."""

    __tablename__ = "dismissed_credentials"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    dismissed_at: Mapped[datetime]


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"))
    # active, paused, done (passed the exam), abandoned
    status: Mapped[str] = mapped_column(String(16), default="active")
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    target_date: Mapped[date | None] = mapped_column(Date)
    # Hours to study when known (catalog or the worker's guess); otherwise a count of
    # sessions, because most catalog records do not state hours.
    planned_hours: Mapped[float | None] = mapped_column(Float)
    planned_sessions: Mapped[int | None] = mapped_column(Integer)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class ProgressLog(Base):
    __tablename__ = "progress_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    logged_at: Mapped[datetime]
    hours: Mapped[float | None] = mapped_column(Float)
    step: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class EarnedCredential(Base):
    """A credential the user holds; the badge they can share."""

    __tablename__ = "earned_credentials"
    __table_args__ = (UniqueConstraint("user_id", "credential_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"))
    earned_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class Reminder(Base):
    """Every scheduled nudge lives here; the dispatcher fires what is due by `next_fire_at`.

    The timezone is not stored: each occurrence is computed in the owner's current
    `User.timezone`, so a region change moves every reminder (`reschedule_user`).
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "active", "next_fire_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))  # a key of bot.reminders.kinds.KINDS
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    earned_id: Mapped[int | None] = mapped_column(
        ForeignKey("earned_credentials.id", ondelete="CASCADE")
    )
    schedule: Mapped[dict[str, Any]] = mapped_column(default=dict)  # trigger arguments
    # The occurrence to send next (UTC); NULL while paused or when there is none left.
    next_fire_at: Mapped[datetime | None] = mapped_column(index=True)
    last_fired_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why it is paused ("blocked" when the user blocked the bot; other flows may add their
    # own reasons). A paused row has no next_fire_at, so the due index never sees it.
    paused_by: Mapped[str | None] = mapped_column(String(16))
    # A dispatcher holds the row until then (claimed and being sent, or backing off after a
    # failed send); equal to the claim's value it also proves the claim is still ours.
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed sends of this occurrence


class Badge(Base):
    """The shareable card of an earned credential: its verification code, the worker's
    evidence (Telegram's file_id only) and the uploaded card's file_id, reused."""

    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    earned_id: Mapped[int] = mapped_column(
        ForeignKey("earned_credentials.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    evidence_file_id: Mapped[str | None] = mapped_column(String(200))
    evidence_kind: Mapped[str | None] = mapped_column(String(16))  # photo, pdf
    card_hash: Mapped[str | None] = mapped_column(String(64))
    card_file_id: Mapped[str | None] = mapped_column(String(200))
    congratulated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class GroupOptIn(Base):
    """A member who agreed to share badges in a group chat."""

    __tablename__ = "group_optins"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    chat_title: Mapped[str | None] = mapped_column(String(256))
    opted_in_at: Mapped[datetime]


class ConversationState(Base):
    """PTB ConversationHandler states, one row per (conversation, chat/user key)."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime]


class PersistedData(Base):
    """PTB's user_data / chat_data / bot_data / callback_data, as JSON documents.

    `kind` is "user", "chat", "bot" or "callback"; `owner_id` is 0 for bot and callback.
    """

    __tablename__ = "persisted_data"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime]


class InboxUpdate(Base):
    """An update as Telegram sent it, stored before Telegram is told it arrived.

    `status` is "pending" (not yet handled), "done" (handled; its conversation state was
    written in the same transaction) or "set_aside" (unparseable, or it kept failing;
    `error` says why). Done rows stay a while so a re-delivered update_id is not handled
    twice.
    """

    __tablename__ = "update_inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class BroadcastSend(Base):
    """One operator broadcast reaching one user, recorded before the next user is tried,
    so a broadcast resumed after a crash never sends anyone a second copy."""

    __tablename__ = "broadcast_sends"

    broadcast_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # text digest
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))  # sending, sent, failed, blocked
    sent_at: Mapped[datetime]
