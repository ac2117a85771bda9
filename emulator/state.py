"""The emulated Telegram server's memory: chats, messages, pending updates and the call log.

Nothing here speaks HTTP. The Bot API methods (``methods.py``) and the user side
(``user.py``) both read and change this state; :class:`Pulse` wakes whoever waits on it
(long polls, webhook delivery, ``wait_for_reply``) without any fixed sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import ApiError
from emulator.media import FileStore

_LOG = logging.getLogger(__name__)

# Telegram does not send these unless they are asked for in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def system_clock() -> float:
    """The default wall clock for message dates; the demo passes the shared bot clock."""
    return time.time()


def monotonic_now() -> float:
    """The loop's monotonic clock, used for flood control, query expiry and quiet periods."""
    return asyncio.get_running_loop().time()


class Pulse:
    """An event that wakes everyone waiting right now and re-arms itself."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def armed(self) -> asyncio.Event:
        """The event the next fire() sets; take it *before* checking the waited-for state."""
        return self._event


async def wait_for_event(event: asyncio.Event, seconds: float) -> None:
    """Wait until ``event`` is set or ``seconds`` pass, whichever comes first."""
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


@dataclass
class ApiCall:
    """One Bot API request the bot made, as recorded in ``BotApiEmulator.calls``."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: ApiError | None = None
    at: float = 0.0  # loop time
    injected: bool = False  # a failure the test asked for (`BotApiEmulator.fail_next`)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def description(self) -> str | None:
        return self.error.description if self.error else None

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error.error_code} {self.error.description}"
        return f"<ApiCall {self.method} -> {outcome}>"


@dataclass
class ChatState:
    """A chat the bot is part of, with every message in it (the bot's and the users')."""

    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    user: dict[str, Any] | None = None  # the other party of a private chat
    username: str | None = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    # What the bot did here, in order: ("sent" | "edited" | "deleted" | "answered", message_id).
    bot_events: list[tuple[str, int]] = field(default_factory=list)
    last_bot_activity: float = float("-inf")
    last_update_id: int = 0
    blocked: bool = False
    started: bool = False  # a private chat the user has written in (or pressed something)
    reply_keyboard: dict[str, Any] | None = None
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def public(self) -> dict[str, Any]:
        """The Chat object embedded in messages."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user:
            for key in ("first_name", "last_name", "username"):
                if self.user.get(key):
                    chat[key] = self.user[key]
        else:
            chat["title"] = self.title
            if self.username:
                chat["username"] = self.username
        return chat

    def next_message_id(self) -> int:
        return next(self._ids)

    def live_message(self, message_id: Any) -> dict[str, Any] | None:
        """The stored message, or None when it never existed or was deleted."""
        try:
            message_id = int(message_id)
        except (TypeError, ValueError):
            return None
        if message_id in self.deleted:
            return None
        return self.messages.get(message_id)


@dataclass
class QueryState:
    """A callback or inline query waiting for the bot's answer."""

    id: str
    user_id: int
    created_at: float
    chat_id: int | None = None
    message_id: int | None = None
    query: str = ""
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class EmulatorState:
    """Everything the emulated server knows; shared by the HTTP side and the user side."""

    def __init__(self, bot_user: dict[str, Any], wall_clock: Callable[[], float] = system_clock):
        self.bot_user = bot_user
        self.wall_clock = wall_clock
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.files = FileStore()
        self.calls: list[ApiCall] = []
        self.updates: list[dict[str, Any]] = []  # every update ever created, for assertions
        self.pending: list[dict[str, Any]] = []  # not yet confirmed (polling) / POSTed (webhook)
        self.delivered_upto = 0  # highest update_id handed to the bot
        self.allowed_updates: frozenset[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.callback_queries: dict[str, QueryState] = {}
        self.inline_queries: dict[str, QueryState] = {}
        self.callback_answers: dict[int, list[dict[str, Any]]] = {}
        self.inline_messages: dict[str, tuple[int, int]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.updates_pulse = Pulse()  # a new update is pending, or the webhook changed
        self.activity_pulse = Pulse()  # the bot did something, or an update was delivered
        self.closing = False
        # Called for every bot event: (chat, kind, message_id, toast text or None).
        self.listeners: list[Callable[[ChatState, str, int, str | None], None]] = []
        # After a 429 the bot (PTB's AIORateLimiter) sleeps before retrying; until then it is
        # busy, not quiet, so wait_for_reply must not return early.
        self.flood_busy_until = float("-inf")
        self.last_update_id = 0
        self._query_ids = itertools.count(1)

    # Updates -----------------------------------------------------------------------------

    def unix_now(self) -> int:
        """Message dates, from the wall clock the emulator was given."""
        return int(self.wall_clock())

    def enqueue(
        self, kind: str, payload: dict[str, Any], chat: ChatState | None = None
    ) -> dict[str, Any]:
        """Create an update of ``kind``; queue it unless allowed_updates filters it out."""
        self.last_update_id += 1
        update = {"update_id": self.last_update_id, kind: copy.deepcopy(payload)}
        self.updates.append(update)
        if self.is_allowed(kind):
            self.pending.append(update)
            if chat is not None:
                chat.last_update_id = update["update_id"]
        self.updates_pulse.fire()
        self.activity_pulse.fire()
        return update

    def is_allowed(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed_updates

    def set_allowed_updates(self, allowed: Any) -> None:
        """Apply an allowed_updates parameter; an empty list means Telegram's default set."""
        if allowed is None:
            return
        self.allowed_updates = frozenset(allowed) if allowed else None

    def drop_pending(self) -> None:
        """Forget every queued update (drop_pending_updates)."""
        self.pending.clear()
        self.delivered_upto = self.last_update_id
        self.activity_pulse.fire()

    def mark_delivered(self, update_id: int) -> None:
        self.delivered_upto = max(self.delivered_upto, update_id)
        self.activity_pulse.fire()

    # Bot activity ------------------------------------------------------------------------

    def touch(self, chat: ChatState) -> None:
        """The bot just did something in ``chat`` (for the quiet-period detection)."""
        chat.last_bot_activity = monotonic_now()
        self.activity_pulse.fire()

    def bot_event(
        self, chat: ChatState, kind: str, message_id: int, toast: str | None = None
    ) -> None:
        """Record something the user can see: a message sent, edited or deleted, or a toast."""
        chat.bot_events.append((kind, message_id))
        self.touch(chat)
        for listener in list(self.listeners):
            try:
                listener(chat, kind, message_id, toast)
            except Exception:
                _LOG.exception("bot event listener failed")

    # Ids ---------------------------------------------------------------------------------

    def new_query_id(self) -> str:
        return f"{self.bot_user['id']}{next(self._query_ids):08d}"
