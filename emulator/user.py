"""The people side of the emulator: users and groups that talk to the bot, in-process.

An :class:`EmulatedUser` owns a private chat with the bot; :class:`EmulatedGroup` is a group
the bot is in. Their actions (send, press, inline_query...) create the updates a real
Telegram client would cause, and :meth:`wait_for_reply` waits, without fixed sleeps, until
the bot has answered and then gone quiet for a short settle time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Protocol

from emulator.formatting import command_entities, format_text
from emulator.media import tiny_png
from emulator.methods import describe_file
from emulator.state import (
    ChatState,
    EmulatorState,
    QueryState,
    monotonic_now,
    wait_for_event,
)


class ChatHost(Protocol):
    """What a chat needs from the server that hosts it (the server satisfies this; the
    people side never imports the server, so the two modules do not import each other)."""

    state: EmulatorState
    settle: float
    group_privacy: bool

_CHAT_INSTANCE_BASE = 4_000_000_000_000_000_000
# Long enough for the bot to fetch an update it has not seen yet (poll_interval + a round trip).
_DELIVERY_CEILING = 5.0


class NoReplyError(AssertionError):
    """The bot did not answer in time; the message says what the emulator saw instead."""


class ChatMessage:
    """A message as the chat sees it now: edits applied, deletion marked."""

    __slots__ = ("_chat", "data")

    def __init__(self, chat: ChatState, data: dict[str, Any]):
        self._chat = chat
        self.data = data  # the live stored Telegram Message object

    @property
    def message_id(self) -> int:
        return self.data["message_id"]

    @property
    def text(self) -> str:
        """The text, or the caption of a media message ("" when there is neither)."""
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def caption(self) -> str | None:
        return self.data.get("caption")

    @property
    def entities(self) -> list[dict[str, Any]]:
        return self.data.get("entities") or self.data.get("caption_entities") or []

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.data.get("reply_markup")

    @property
    def _inline_rows(self) -> list[list[dict[str, Any]]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[list[str]]:
        """Inline keyboard labels, row by row."""
        return [[button["text"] for button in row] for row in self._inline_rows]

    @property
    def button_data(self) -> list[list[str | None]]:
        """Inline keyboard callback_data, row by row (None for URL and other buttons)."""
        return [[button.get("callback_data") for button in row] for row in self._inline_rows]

    def button(self, label: str) -> dict[str, Any]:
        """The inline button with this label; LookupError listing the labels otherwise."""
        for row in self._inline_rows:
            for button in row:
                if button["text"] == label:
                    return button
        raise LookupError(f"no button {label!r} on message {self.message_id}: {self.buttons}")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.data.get("photo")

    @property
    def sender(self) -> dict[str, Any]:
        return self.data["from"]

    @property
    def edited(self) -> bool:
        return "edit_date" in self.data

    @property
    def deleted(self) -> bool:
        return self.message_id in self._chat.deleted

    def __repr__(self) -> str:
        flags = "".join((" edited" if self.edited else "", " deleted" if self.deleted else ""))
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        return f"<ChatMessage #{self.message_id}{flags} {self.text[:60]!r}{buttons}>"


@dataclass(frozen=True)
class BotEvent:
    """Something the bot did that a chat can see, as passed to ``on_bot_event`` listeners.

    ``kind`` is "sent", "edited", "deleted" or "answered" (a callback answer with a toast,
    whose text is ``toast``); ``message`` is the message concerned, in its current state.
    """

    chat_id: int
    kind: str
    message: ChatMessage | None
    toast: str | None = None


class _ChatView:
    """What is common to a user's private chat and a group: reading and waiting."""

    def __init__(self, emulator: ChatHost, chat: ChatState):
        self._emulator = emulator
        self._state = emulator.state
        self._chat = chat
        self._mark = 0  # len(chat.bot_events) at the last action
        self._last_action = "nothing yet"

    @property
    def chat_id(self) -> int:
        return self._chat.id

    def _from_bot(self, message: dict[str, Any]) -> bool:
        bot_id = self._state.bot_user["id"]
        return message["from"]["id"] == bot_id or message.get("via_bot", {}).get("id") == bot_id

    @property
    def messages(self) -> list[ChatMessage]:
        """Everything the bot sent here (or was sent via the bot), current state, oldest first."""
        return [
            ChatMessage(self._chat, message)
            for message in self._chat.messages.values()
            if self._from_bot(message)
        ]

    @property
    def history(self) -> list[ChatMessage]:
        """Every message in the chat, the users' included, oldest first."""
        return [ChatMessage(self._chat, message) for message in self._chat.messages.values()]

    @property
    def last(self) -> ChatMessage:
        """The latest bot message that is not deleted."""
        for message in reversed(self.messages):
            if not message.deleted:
                return message
        raise LookupError(f"the bot has sent nothing (left) in chat {self.chat_id}")

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard the bot shows in this chat, if any."""
        keyboard = self._chat.reply_keyboard
        if not keyboard:
            return None
        return [[button["text"] for button in row] for row in keyboard["keyboard"]]

    # Creating updates --------------------------------------------------------------------

    def _note_action(self, description: str) -> None:
        self._mark = len(self._chat.bot_events)
        self._last_action = description

    def _post(
        self,
        sender: dict[str, Any],
        content: dict[str, Any],
        reply_to: ChatMessage | dict[str, Any] | int | None = None,
    ) -> dict[str, Any]:
        """Store a message from ``sender`` in this chat and return it."""
        chat = self._chat
        chat.members.setdefault(sender["id"], sender)
        message: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": sender,
            "chat": chat.public(),
            "date": self._state.unix_now(),
            **content,
        }
        if reply_to is not None:
            target = self._resolve_message(reply_to)
            message["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
        chat.messages[message["message_id"]] = message
        return message

    def _resolve_message(self, message: ChatMessage | dict[str, Any] | int) -> dict[str, Any]:
        if isinstance(message, ChatMessage):
            message_id = message.message_id
        elif isinstance(message, dict):
            inner = message.get("message") or message.get("edited_message") or message
            message_id = inner["message_id"]
        else:
            message_id = int(message)
        found = self._chat.messages.get(message_id)
        if found is None:
            raise LookupError(f"no message {message_id} in chat {self.chat_id}")
        return found

    def _deliver(self, kind: str, payload: dict[str, Any], action: str) -> dict[str, Any]:
        self._note_action(action)
        return self._state.enqueue(kind, payload, self._chat)

    def _find_button(
        self,
        label: str | None,
        callback_data: str | None,
        message: ChatMessage | int | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if label is None and callback_data is None:
            raise ValueError("press() needs a label or callback_data=")
        if message is not None:
            candidates = [self._resolve_message(message)]
        else:
            candidates = [m.data for m in reversed(self.messages) if not m.deleted]
        for candidate in candidates:
            for row in (candidate.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if (label is not None and button["text"] == label) or (
                        callback_data is not None and button.get("callback_data") == callback_data
                    ):
                        return candidate, button
        wanted = repr(label) if label is not None else f"callback_data={callback_data!r}"
        shown = [ChatMessage(self._chat, m).buttons for m in candidates[:3]]
        raise LookupError(f"no inline button {wanted} in chat {self.chat_id}; recent: {shown}")

    def _press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> dict[str, Any]:
        state = self._state
        query = QueryState(
            id=state.new_query_id(),
            user_id=user["id"],
            created_at=monotonic_now(),
            chat_id=self._chat.id,
            message_id=message["message_id"],
        )
        state.callback_queries[query.id] = query
        payload: dict[str, Any] = {
            "id": query.id,
            "from": user,
            "chat_instance": str(_CHAT_INSTANCE_BASE + self._chat.id),
            "data": data,
        }
        if message.get("via_bot"):
            inline_id = next(
                (key for key, where in state.inline_messages.items()
                 if where == (self._chat.id, message["message_id"])),
                None,
            )  # fmt: skip
            if inline_id is not None:
                payload["inline_message_id"] = inline_id
        if "inline_message_id" not in payload:
            payload["message"] = copy.deepcopy(message)
        return self._deliver("callback_query", payload, f"pressing {data!r}")

    # Waiting -----------------------------------------------------------------------------

    def _collect(self) -> list[ChatMessage]:
        chat = self._chat
        events = chat.bot_events[self._mark :]
        self._mark = len(chat.bot_events)
        ids = dict.fromkeys(mid for kind, mid in events if kind in ("sent", "edited"))
        return [
            ChatMessage(chat, chat.messages[mid])
            for mid in ids
            if mid in chat.messages and mid not in chat.deleted
        ]

    def _delivered(self) -> bool:
        return self._state.delivered_upto >= self._chat.last_update_id

    # `timeout` is a ceiling on a condition wait, part of the public API tests call by name.
    async def wait_for_reply(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        settle: float | None = None,
    ) -> list[ChatMessage]:
        """Messages the bot sent or edited here since the last action, once it is quiet.

        Returns as soon as the bot has produced something new, has fetched every update from
        this chat and has made no call about this chat for ``settle`` seconds (default: the
        emulator's), nor is waiting out a 429. ``timeout`` is only a ceiling: what came by
        then is returned, and :class:`NoReplyError` is raised if nothing did. A callback
        answer with a toast text counts as a reply (the list may then be empty); a bare
        acknowledgement does not.
        """
        settle = self._emulator.settle if settle is None else settle
        state, chat = self._state, self._chat
        deadline = monotonic_now() + timeout
        while True:
            armed = state.activity_pulse.armed()
            now = monotonic_now()
            has_new = len(chat.bot_events) > self._mark
            ready = has_new and self._delivered()
            quiet_at = max(chat.last_bot_activity, state.flood_busy_until) + settle
            if ready and now >= quiet_at:
                return self._collect()
            if now >= deadline:
                if has_new:
                    return self._collect()
                raise NoReplyError(self._no_reply_report(timeout))
            await wait_for_event(armed, (min(deadline, quiet_at) if ready else deadline) - now)

    async def assert_no_reply(self, within: float = 0.3) -> None:
        """Check that the bot fetches the last update but sends nothing for ``within`` s."""
        state = self._state
        delivery_deadline = monotonic_now() + _DELIVERY_CEILING
        while not self._delivered():
            armed = state.activity_pulse.armed()
            remaining = delivery_deadline - monotonic_now()
            if remaining <= 0:
                raise NoReplyError(f"the bot never fetched the update after {self._last_action}")
            await wait_for_event(armed, remaining)
        deadline = monotonic_now() + within
        while True:
            armed = state.activity_pulse.armed()
            if len(self._chat.bot_events) > self._mark:
                raise AssertionError(
                    f"expected no reply after {self._last_action}, got {self._collect()}"
                )
            remaining = deadline - monotonic_now()
            if remaining <= 0:
                return
            await wait_for_event(armed, remaining)

    def _no_reply_report(self, timeout: float) -> str:
        lines = [f"no reply in chat {self.chat_id} within {timeout:.1f}s after {self._last_action}"]
        if not self._delivered():
            lines.append("the bot never fetched that update (is it polling / is the webhook up?)")
        failures = [
            call for call in self._state.calls[-200:]
            if not call.ok and call.method != "getUpdates"
        ][-5:]  # fmt: skip
        lines += [f"recent API error: {call.method} -> {call.description}" for call in failures]
        return "; ".join(lines)


class EmulatedUser(_ChatView):
    """A Telegram user in a private chat with the bot."""

    def __init__(self, emulator: ChatHost, chat: ChatState, identity: dict[str, Any]):
        super().__init__(emulator, chat)
        self.identity = identity
        self.inline_results: list[dict[str, Any]] = []
        self._inline_query = ""

    @property
    def id(self) -> int:
        return self.identity["id"]

    @property
    def name(self) -> str:
        return self.identity["first_name"]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Every answerCallbackQuery for this user's presses: {"text", "show_alert", "url"}."""
        return self._state.callback_answers.get(self.id, [])

    @property
    def answers(self) -> list[str]:
        """The toast texts of those answers ("" for a bare acknowledgement)."""
        return [answer["text"] for answer in self.callback_answers]

    def _check_can_write(self) -> None:
        if self._chat.blocked:
            raise RuntimeError(f"{self.name} blocked the bot; call unblock() first")

    async def send(
        self, text: str, *, reply_to: ChatMessage | dict[str, Any] | int | None = None
    ) -> dict[str, Any]:
        """Write ``text`` to the bot; commands get a bot_command entity. Returns the update."""
        self._check_can_write()
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        message = self._post(self.identity, content, reply_to)
        self._chat.started = True
        return self._deliver("message", message, f"{self.name} sent {text!r}")

    async def start(self, payload: str | None = None) -> dict[str, Any]:
        """Press Start (optionally through a deep link carrying ``payload``)."""
        return await self.send(f"/start {payload}" if payload else "/start")

    async def send_content(self, description: str = "content", **content: Any) -> dict[str, Any]:
        """Send a message with arbitrary Telegram fields (location, contact, poll...)."""
        self._check_can_write()
        message = self._post(self.identity, content)
        self._chat.started = True
        return self._deliver("message", message, f"{self.name} sent {description}")

    async def send_photo(
        self, content: bytes | None = None, *, caption: str | None = None
    ) -> dict[str, Any]:
        sizes = self._state.files.add_photo(content or tiny_png(4, 3))
        fields: dict[str, Any] = {"photo": sizes}
        if caption:
            fields["caption"] = caption
        return await self.send_content("a photo", **fields)

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self._state.files.add("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
        sticker = {**describe_file("sticker", stored, "sticker.webp", "image/webp"), "emoji": emoji}
        stored.media = sticker
        return await self.send_content("a sticker", sticker=sticker)

    async def send_voice(self, duration: int = 2) -> dict[str, Any]:
        stored = self._state.files.add("voice", b"OggS\x00voice")
        voice = describe_file("voice", stored, "voice.oga", "audio/ogg", {"duration": duration})
        stored.media = voice
        return await self.send_content("a voice message", voice=voice)

    async def send_document(
        self,
        content: bytes = b"hello",
        file_name: str = "notes.txt",
        mime_type: str = "text/plain",
    ) -> dict[str, Any]:
        stored = self._state.files.add("document", content, extension=file_name.rpartition(".")[2])
        document = describe_file("document", stored, file_name, mime_type)
        stored.media = document
        return await self.send_content("a document", document=document)

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self.send_content("a location", location=location)

    async def edit(self, message: ChatMessage | dict[str, Any] | int, text: str) -> dict[str, Any]:
        """Edit one of this user's own messages; the bot gets an edited_message update."""
        stored = self._resolve_message(message)
        if stored["from"]["id"] != self.id:
            raise ValueError(f"{self.name} can only edit their own messages")
        stored["text"] = text
        entities = command_entities(text)
        if entities:
            stored["entities"] = entities
        else:
            stored.pop("entities", None)
        stored["edit_date"] = self._state.unix_now()
        return self._deliver("edited_message", stored, f"{self.name} edited to {text!r}")

    async def press(
        self,
        label: str | None = None,
        *,
        callback_data: str | None = None,
        message: ChatMessage | int | None = None,
    ) -> dict[str, Any]:
        """Press the inline button with this label (or callback_data) on the latest bot
        message that has it, or on ``message``. Returns the callback_query update."""
        self._check_can_write()
        target, button = self._find_button(label, callback_data, message)
        if "callback_data" not in button:
            raise ValueError(f"button {button['text']!r} sends nothing to the bot: {button}")
        self._chat.started = True
        return self._press(self.identity, target, button["callback_data"])

    async def share_to(
        self,
        label: str,
        chat: _ChatView,
        *,
        message: ChatMessage | int | None = None,
    ) -> list[dict[str, Any]]:
        """Press a ``switch_inline_query_chosen_chat`` button and pick ``chat`` in Telegram's
        chat picker: the inline query it pre-fills runs there. Returns the bot's results;
        ``choose_inline_result(id, chat=chat)`` then sends one. Like Telegram, a chat of a
        kind the button does not allow cannot be picked."""
        self._check_can_write()
        _, button = self._find_button(label, None, message)
        chosen = button.get("switch_inline_query_chosen_chat")
        if not isinstance(chosen, dict):
            raise ValueError(f"button {label!r} is not a switch_inline_query_chosen_chat button")
        is_group = isinstance(chat, EmulatedGroup)
        allowed = chosen.get("allow_group_chats") if is_group else chosen.get("allow_user_chats")
        if not allowed:
            raise ValueError(f"button {label!r} does not allow picking {chat!r}")
        chat_type = "group" if is_group else ("sender" if chat is self else "private")
        return await self.inline_query(chosen.get("query", ""), chat_type=chat_type)

    async def press_data(
        self, data: str, *, message: ChatMessage | int | None = None
    ) -> dict[str, Any]:
        """A forged or stale callback: ``data`` as if pressed on ``message`` (default: last)."""
        target = self._resolve_message(message) if message is not None else self.last.data
        return self._press(self.identity, target, data)

    async def tap(self, label: str) -> dict[str, Any]:
        """Tap a reply-keyboard button, which sends its label as text."""
        keyboard = self.reply_keyboard or []
        if not any(label in row for row in keyboard):
            raise LookupError(f"no reply keyboard button {label!r}: {keyboard}")
        if (self._chat.reply_keyboard or {}).get("one_time_keyboard"):
            self._chat.reply_keyboard = None
        return await self.send(label)

    async def inline_query(
        self,
        query: str,
        *,
        offset: str = "",
        timeout: float = 5.0,  # noqa: ASYNC109 - a ceiling, like wait_for_reply's
        chat_type: str = "sender",
    ) -> list[dict[str, Any]]:
        """Type ``@bot query`` somewhere; return the results the bot answered with."""
        state = self._state
        record = QueryState(
            id=state.new_query_id(), user_id=self.id, created_at=monotonic_now(), query=query
        )
        state.inline_queries[record.id] = record
        payload = {
            "id": record.id,
            "from": self.identity,
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        state.enqueue("inline_query", payload)
        deadline = monotonic_now() + timeout
        while record.answer is None:
            armed = state.activity_pulse.armed()
            remaining = deadline - monotonic_now()
            if remaining <= 0:
                raise NoReplyError(f"the bot did not answer inline query {query!r}")
            await wait_for_event(armed, remaining)
        self._inline_query = query
        self.inline_results = record.answer["results"]
        return self.inline_results

    async def choose_inline_result(
        self, result_id: str, *, chat: _ChatView | None = None
    ) -> dict[str, Any] | None:
        """Pick a result of the last inline query, sending it into ``chat`` if given.

        The bot gets a chosen_inline_result update; if the chat is one the bot reads (this
        user's chat with it, or a group) it also gets the message sent via the bot. Returns
        the posted message, or None when no chat was given.
        """
        result = next((r for r in self.inline_results if r.get("id") == result_id), None)
        if result is None:
            ids = [r.get("id") for r in self.inline_results]
            raise LookupError(f"no inline result {result_id!r}; the bot offered {ids}")
        if chat is not None and chat is not self and not isinstance(chat, EmulatedGroup):
            raise ValueError("an inline result goes to this user's own chat or a group")
        state = self._state
        chosen: dict[str, Any] = {
            "result_id": result_id,
            "from": self.identity,
            "query": self._inline_query,
        }
        message = None
        if chat is not None:
            message = chat._post(self.identity, self._inline_content(result))
            message["via_bot"] = state.bot_user
            if result.get("reply_markup"):
                inline_id = f"EMUINLINE{chat.chat_id}_{message['message_id']}"
                message["reply_markup"] = result["reply_markup"]
                state.inline_messages[inline_id] = (chat.chat_id, message["message_id"])
                chosen["inline_message_id"] = inline_id
        state.enqueue("chosen_inline_result", chosen)
        if chat is not None and message is not None and chat._bot_sees(message):
            chat._deliver("message", message, f"{self.name} sent inline result {result_id!r}")
        return copy.deepcopy(message) if message is not None else None

    def _inline_content(self, result: dict[str, Any]) -> dict[str, Any]:
        content = result.get("input_message_content") or {}
        if "message_text" in content:
            text, entities = format_text(
                content["message_text"], content.get("parse_mode"), content.get("entities")
            )
            return {"text": text, "entities": entities} if entities else {"text": text}
        if result.get("photo_file_id"):
            stored = self._state.files.get(result["photo_file_id"])
            if stored is not None:
                photo: dict[str, Any] = {"photo": copy.deepcopy(stored.media)}
                if result.get("caption"):
                    text, entities = format_text(
                        result["caption"], result.get("parse_mode"), result.get("caption_entities")
                    )
                    photo.update(caption=text, caption_entities=entities)
                return photo
        return {"text": result.get("title") or result.get("id", "")}

    def _bot_sees(self, message: dict[str, Any]) -> bool:
        return True

    async def block(self) -> dict[str, Any]:
        """Block the bot: its sends now fail with 403; the bot gets a my_chat_member update."""
        self._chat.blocked = True
        return self._member_update("member", "kicked", f"{self.name} blocked the bot")

    async def unblock(self) -> dict[str, Any]:
        """Unblock (restart) the bot."""
        self._chat.blocked = False
        self._chat.started = True
        return self._member_update("kicked", "member", f"{self.name} unblocked the bot")

    def _member_update(self, old: str, new: str, action: str) -> dict[str, Any]:
        bot = self._state.bot_user

        def member(status: str) -> dict[str, Any]:
            return {
                "user": bot,
                "status": status,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        payload = {
            "chat": self._chat.public(),
            "from": self.identity,
            "date": self._state.unix_now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self._deliver("my_chat_member", payload, action)

    def __repr__(self) -> str:
        return f"<EmulatedUser {self.id} {self.name!r}>"


class EmulatedGroup(_ChatView):
    """A group chat with the bot in it; users speak through :meth:`send`."""

    @property
    def title(self) -> str:
        return self._chat.title or ""

    def _bot_sees(self, message: dict[str, Any]) -> bool:
        """Privacy mode: commands for this bot, replies to it, messages via it."""
        if not self._emulator.group_privacy:
            return True
        bot = self._state.bot_user
        text = message.get("text") or ""
        if text.startswith("/"):
            _, mention, target = text.split(maxsplit=1)[0].partition("@")
            return not mention or target.lower() == bot["username"].lower()
        reply = message.get("reply_to_message") or {}
        if reply.get("from", {}).get("id") == bot["id"]:
            return True
        return message.get("via_bot", {}).get("id") == bot["id"] or "new_chat_members" in message

    async def send(
        self,
        user: EmulatedUser,
        text: str,
        *,
        reply_to: ChatMessage | dict[str, Any] | int | None = None,
    ) -> dict[str, Any] | None:
        """``user`` writes ``text`` here; returns the update, or None if privacy mode hides
        the message from the bot (it still appears in :attr:`history`)."""
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        message = self._post(user.identity, content, reply_to)
        if not self._bot_sees(message):
            self._note_action(f"{user.name} sent {text!r} (hidden by privacy mode)")
            return None
        return self._deliver("message", message, f"{user.name} sent {text!r} in {self.title!r}")

    async def add_member(self, user: EmulatedUser) -> dict[str, Any]:
        """``user`` joins the group (a new_chat_members service message)."""
        message = self._post(user.identity, {"new_chat_members": [user.identity]})
        return self._deliver("message", message, f"{user.name} joined {self.title!r}")

    async def press(
        self,
        user: EmulatedUser,
        label: str | None = None,
        *,
        callback_data: str | None = None,
        message: ChatMessage | int | None = None,
    ) -> dict[str, Any]:
        """``user`` presses an inline button on a bot message in this group."""
        target, button = self._find_button(label, callback_data, message)
        if "callback_data" not in button:
            raise ValueError(f"button {button['text']!r} sends nothing to the bot: {button}")
        return self._press(user.identity, target, button["callback_data"])

    async def press_data(
        self, user: EmulatedUser, data: str, *, message: ChatMessage | int | None = None
    ) -> dict[str, Any]:
        """A forged callback from ``user`` on ``message`` (default: the latest bot message)."""
        target = self._resolve_message(message) if message is not None else self.last.data
        return self._press(user.identity, target, data)

    def __repr__(self) -> str:
        return f"<EmulatedGroup {self.chat_id} {self.title!r}>"
