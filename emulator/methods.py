"""The Bot API methods the emulator implements, with Telegram's validation and errors.

:class:`BotApi` maps method names (case-insensitive, as on Telegram) to coroutines working on
:class:`~emulator.state.EmulatorState`, records every call in ``state.calls`` and raises
:class:`~emulator.errors.ApiError` for anything Telegram would refuse.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from emulator import errors
from emulator.errors import ApiError, bad_request, conflict, forbidden
from emulator.flood import FloodControl
from emulator.formatting import Entity, format_text
from emulator.markup import inline_keyboard, parse_reply_markup
from emulator.media import UploadedFile
from emulator.state import (
    ApiCall,
    ChatState,
    EmulatorState,
    QueryState,
    WebhookConfig,
    monotonic_now,
    wait_for_event,
)

_LOG = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
MAX_POLL_TIMEOUT = 50
MAX_INLINE_RESULTS = 50
RETRY_SLACK = 0.25  # PTB's AIORateLimiter retries 0.1 s after retry_after; allow for that
MEDIA_KINDS = ("photo", "document", "sticker", "voice", "audio", "video", "animation")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")

# How form fields are typed: PTB sends JSON-encoded values for everything but plain strings.
_CHAT_ID_PARAMS = frozenset({"chat_id", "from_chat_id"})
_INT_PARAMS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "reply_to_message_id", "cache_time",
        "max_connections", "user_id", "message_thread_id", "duration",
    }
)  # fmt: skip
_BOOL_PARAMS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "is_personal",
        "drop_pending_updates", "disable_web_page_preview", "allow_sending_without_reply",
        "has_spoiler", "show_caption_above_media", "disable_content_type_detection",
    }
)  # fmt: skip
_JSON_PARAMS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "allowed_updates", "results",
        "commands", "scope", "link_preview_options", "reply_parameters", "menu_button",
        "button", "message_ids", "media",
    }
)  # fmt: skip


def coerce_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Give form / query string values the types Telegram reads them as.

    JSON bodies are already typed, but Telegram also accepts JSON strings for object
    parameters there, so both paths go through here. Values that do not parse are left as
    strings for the method to reject with Telegram's own error.
    """
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            elif key in _INT_PARAMS or key in _CHAT_ID_PARAMS:
                try:
                    value = int(value)
                except ValueError:
                    pass
            elif key in _BOOL_PARAMS:
                value = value.lower() in ("true", "1")
        params[key] = value
    return params


@dataclass
class Described:
    """A result that comes with a human description, like setWebhook's "Webhook was set"."""

    result: Any
    description: str


Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Fault:
    """One injected failure: Telegram's error, after `hang` seconds (a request that times
    out on the client's side). The method does nothing: the message is not delivered."""

    error: ApiError
    hang: float = 0.0


class BotApi:
    """Bot API method implementations over the shared emulator state."""

    def __init__(
        self,
        state: EmulatorState,
        flood: FloodControl,
        *,
        flood_enabled: bool = False,
        query_ttl: float = 15.0,
    ):
        self.state = state
        self.flood = flood
        self.flood_enabled = flood_enabled
        self.query_ttl = query_ttl
        self._poll_generation = 0
        self.faults: dict[str, list[Fault]] = {}
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.trivially_ok,
            "close": self.trivially_ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self._bot_text_setter("description"),
            "getMyDescription": self._bot_text_getter("description"),
            "setMyShortDescription": self._bot_text_setter("short_description"),
            "getMyShortDescription": self._bot_text_getter("short_description"),
            "setMyName": self._bot_text_setter("name"),
            "getMyName": self._bot_text_getter("name"),
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "sendMessage": self.send_message,
            "sendPhoto": self._media_sender("photo"),
            "sendDocument": self._media_sender("document"),
            "sendSticker": self._media_sender("sticker"),
            "sendVoice": self._media_sender("voice"),
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "answerInlineQuery": self.answer_inline_query,
            "sendChatAction": self.send_chat_action,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getFile": self.get_file,
        }
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    async def call(
        self,
        method: str,
        params: dict[str, Any],
        *,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[Any, str | None]:
        """Run ``method``; return (result, description) or raise ApiError. Always logged."""
        name, handler = self._handlers.get(method.lower(), (method, None))
        record = ApiCall(method=name, params=params, at=monotonic_now())
        self.state.calls.append(record)
        try:
            if handler is None:
                raise errors.NOT_FOUND
            fault = self._take_fault(name)
            if fault is not None:
                record.injected = True
                if fault.hang:
                    await asyncio.sleep(fault.hang)
                raise fault.error
            if name == "getUpdates":
                outcome = await self.get_updates(params, client_gone=client_gone)
            else:
                outcome = await handler(params)
        except ApiError as error:
            record.error = error
            _LOG.debug("%s failed: %s", name, error.description)
            if error.parameters and "retry_after" in error.parameters:
                retry_at = monotonic_now() + error.parameters["retry_after"] + RETRY_SLACK
                self.state.flood_busy_until = max(self.state.flood_busy_until, retry_at)
            raise
        except Exception:
            record.error = ApiError(500, "Internal Server Error")
            _LOG.exception("emulator bug while handling %s", name)
            raise
        description = None
        if isinstance(outcome, Described):
            outcome, description = outcome.result, outcome.description
        record.result = outcome
        self.state.activity_pulse.fire()
        return outcome, description

    def _take_fault(self, method: str) -> Fault | None:
        queue = self.faults.get(method.lower())
        return queue.pop(0) if queue else None

    # Helpers -----------------------------------------------------------------------------

    def _chat(self, p: dict[str, Any], key: str = "chat_id") -> ChatState:
        raw = p.get(key)
        if raw is None or raw == "":
            raise bad_request(errors.CHAT_ID_EMPTY)
        chat = None
        if isinstance(raw, int):
            chat = self.state.chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            chat = next(
                (c for c in self.state.chats.values() if c.is_group and c.username == raw[1:]),
                None,
            )
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def _writable_chat(self, p: dict[str, Any]) -> ChatState:
        """The target chat of a send; 403 when the user blocked or never started the bot."""
        chat = self._chat(p)
        self.state.touch(chat)
        self._check_not_blocked(chat)
        if chat.type == "private" and not chat.started:
            raise forbidden(errors.CANT_INITIATE)
        return chat

    @staticmethod
    def _check_not_blocked(chat: ChatState) -> None:
        if chat.type == "private" and chat.blocked:
            raise forbidden(errors.BOT_BLOCKED)

    def _admit(self, chat: ChatState) -> None:
        if self.flood_enabled:
            self.flood.admit(chat.id, is_group=chat.is_group)

    @staticmethod
    def _int(p: dict[str, Any], key: str, missing: str) -> int:
        value = p.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(missing)
        return value

    def _reply_target(self, chat: ChatState, p: dict[str, Any]) -> dict[str, Any] | None:
        reply = p.get("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        message_id = reply.get("message_id", p.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = chat.live_message(message_id)
        allow = reply.get("allow_sending_without_reply", p.get("allow_sending_without_reply"))
        if target is None and not allow:
            raise bad_request(errors.MESSAGE_TO_REPLY_NOT_FOUND)
        return target

    def _bot_message(
        self,
        chat: ChatState,
        reply_to: dict[str, Any] | None,
        markup: dict[str, Any] | None,
        content: dict[str, Any],
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": self.state.bot_user,
            "chat": chat.public(),
            "date": self.state.unix_now(),
            **{key: value for key, value in content.items() if value not in (None, "", [])},
        }
        if reply_to is not None:
            message["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        if inline_keyboard(markup):
            message["reply_markup"] = markup
        elif markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        chat.messages[message["message_id"]] = message
        self.state.bot_event(chat, "sent", message["message_id"])
        return copy.deepcopy(message)

    def _editable(self, p: dict[str, Any]) -> tuple[ChatState, dict[str, Any], bool]:
        """(chat, stored message, by inline_message_id) of an edit, or Telegram's error."""
        inline_id = p.get("inline_message_id")
        if inline_id:
            where = self.state.inline_messages.get(str(inline_id))
            if where is None:
                raise bad_request("MESSAGE_ID_INVALID")
            chat = self.state.chats[where[0]]
            message = chat.live_message(where[1])
        else:
            chat = self._chat(p)
            message = chat.live_message(self._int(p, "message_id", errors.MESSAGE_ID_MISSING))
        self.state.touch(chat)
        if message is None:
            raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        self._check_not_blocked(chat)
        bot_id = self.state.bot_user["id"]
        if message["from"]["id"] != bot_id and message.get("via_bot", {}).get("id") != bot_id:
            raise bad_request(errors.MESSAGE_CANT_BE_EDITED)
        return chat, message, bool(inline_id)

    def _finish_edit(
        self, chat: ChatState, message: dict[str, Any], changes: dict[str, Any], by_inline: bool
    ) -> Any:
        unchanged = all(message.get(key) == value for key, value in changes.items())
        if unchanged:
            raise bad_request(errors.MESSAGE_NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = self.state.unix_now()
        self.state.bot_event(chat, "edited", message["message_id"])
        return True if by_inline else copy.deepcopy(message)

    def _live_query(self, table: dict[str, QueryState], query_id: Any) -> QueryState:
        query = table.get(str(query_id))
        if query is None or query.answered or monotonic_now() - query.created_at > self.query_ttl:
            raise bad_request(errors.QUERY_TOO_OLD)
        return query

    # Bot identity and settings -----------------------------------------------------------

    async def get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def trivially_ok(self, p: dict[str, Any]) -> bool:
        return True

    @staticmethod
    def _command_key(p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    async def set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(command.get("command", "")).removeprefix("/")
            if not _COMMAND_NAME.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.state.commands[self._command_key(p)] = cleaned
        return True

    async def get_my_commands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self.state.commands.get(self._command_key(p), []))

    async def delete_my_commands(self, p: dict[str, Any]) -> bool:
        self.state.commands.pop(self._command_key(p), None)
        return True

    def _bot_text_setter(self, field: str) -> Handler:
        async def setter(p: dict[str, Any]) -> bool:
            self.state.bot_texts[(field, str(p.get("language_code") or ""))] = str(
                p.get(field) or ""
            )
            return True

        return setter

    def _bot_text_getter(self, field: str) -> Handler:
        async def getter(p: dict[str, Any]) -> dict[str, str]:
            texts = self.state.bot_texts
            language = str(p.get("language_code") or "")
            return {field: texts.get((field, language), texts.get((field, ""), ""))}

        return getter

    async def set_chat_menu_button(self, p: dict[str, Any]) -> bool:
        chat_id = self._chat(p).id if p.get("chat_id") not in (None, "") else None
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or "type" not in button:
            raise bad_request("can't parse menu button JSON object")
        self.state.menu_buttons[chat_id] = button
        return True

    async def get_chat_menu_button(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(p).id if p.get("chat_id") not in (None, "") else None
        buttons = self.state.menu_buttons
        return copy.deepcopy(buttons.get(chat_id) or buttons.get(None) or {"type": "commands"})

    # Updates and webhooks ----------------------------------------------------------------

    async def get_updates(
        self, p: dict[str, Any], *, client_gone: Callable[[], bool] = lambda: False
    ) -> list[dict[str, Any]]:
        state = self.state
        if state.webhook is not None:
            raise conflict(errors.GET_UPDATES_WITH_WEBHOOK)
        # Telegram ends an older long poll when a new one arrives (two bot instances).
        self._poll_generation += 1
        generation = self._poll_generation
        state.updates_pulse.fire()

        limit = p.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) and limit else 100
        timeout = p.get("timeout")
        timeout = min(max(timeout, 0), MAX_POLL_TIMEOUT) if isinstance(timeout, int) else 0
        state.set_allowed_updates(p.get("allowed_updates"))
        offset = p.get("offset")
        if isinstance(offset, int) and offset > 0:
            state.pending[:] = [u for u in state.pending if u["update_id"] >= offset]
            state.mark_delivered(min(offset - 1, state.last_update_id))
        elif isinstance(offset, int) and offset < 0:
            state.pending[:] = state.pending[offset:]

        deadline = monotonic_now() + timeout
        while True:
            armed = state.updates_pulse.armed()
            if state.closing or client_gone():
                return []
            if generation != self._poll_generation:
                raise conflict(errors.GET_UPDATES_TERMINATED)
            if state.webhook is not None:
                raise conflict(errors.GET_UPDATES_WITH_WEBHOOK)
            if state.pending:
                batch = copy.deepcopy(state.pending[:limit])
                state.mark_delivered(batch[-1]["update_id"])
                return batch
            remaining = deadline - monotonic_now()
            if remaining <= 0:
                return []
            await wait_for_event(armed, remaining)

    async def set_webhook(self, p: dict[str, Any]) -> Described:
        url = str(p.get("url") or "")
        if not url:
            return await self.delete_webhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.state.set_allowed_updates(p.get("allowed_updates"))
        if p.get("drop_pending_updates"):
            self.state.drop_pending()
        already = self.state.webhook is not None and self.state.webhook.url == url
        self.state.webhook = WebhookConfig(
            url=url,
            secret_token=p.get("secret_token") or None,
            max_connections=int(p.get("max_connections") or 40),
        )
        self.state.updates_pulse.fire()
        return Described(True, "Webhook is already set" if already else "Webhook was set")

    async def delete_webhook(self, p: dict[str, Any]) -> Described:
        if p.get("drop_pending_updates"):
            self.state.drop_pending()
        existed = self.state.webhook is not None
        self.state.webhook = None
        self.state.updates_pulse.fire()
        return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")

    async def get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        webhook = self.state.webhook
        info: dict[str, Any] = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.pending),
        }
        if webhook:
            info["max_connections"] = webhook.max_connections
            if webhook.last_error_date:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self.state.allowed_updates is not None:
            info["allowed_updates"] = sorted(self.state.allowed_updates)
        return info

    # Messages ----------------------------------------------------------------------------

    async def send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(p)
        text, entities = format_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = parse_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_target(chat, p)
        self._admit(chat)
        return self._bot_message(chat, reply_to, markup, {"text": text, "entities": entities})

    def _media_sender(self, kind: str) -> Handler:
        async def send(p: dict[str, Any]) -> dict[str, Any]:
            chat = self._writable_chat(p)
            caption, caption_entities = _caption(p)
            markup = parse_reply_markup(p.get("reply_markup"))
            reply_to = self._reply_target(chat, p)
            media = self._media_payload(kind, p.get(kind), p)
            self._admit(chat)
            content = {kind: media, "caption": caption, "caption_entities": caption_entities}
            return self._bot_message(chat, reply_to, markup, content)

        return send

    def _media_payload(self, kind: str, source: Any, p: dict[str, Any]) -> Any:
        files = self.state.files
        if isinstance(source, UploadedFile):
            if kind == "photo":
                return files.add_photo(source.content)
            extension = source.filename.rpartition(".")[2] if "." in source.filename else None
            stored = files.add(kind, source.content, extension=extension)
            stored.media = describe_file(kind, stored, source.filename, source.content_type, p)
            return copy.deepcopy(stored.media)
        if isinstance(source, str) and source:
            stored = files.get(source)
            if stored is not None:
                if (stored.kind == "photo") != (kind == "photo"):
                    raise bad_request(errors.WRONG_FILE_ID)
                return copy.deepcopy(stored.media)
            if source.startswith(("http://", "https://")):
                # Offline: the URL is never fetched; it becomes a placeholder file.
                if kind == "photo":
                    return files.add_photo(b"", size=(640, 480))
                stored = files.add(kind, b"")
                name = source.rstrip("/").rpartition("/")[2] or "file"
                stored.media = describe_file(kind, stored, name, "", p)
                return copy.deepcopy(stored.media)
            raise bad_request(errors.WRONG_FILE_ID)
        raise bad_request(f"there is no {kind} in the request")

    async def edit_message_text(self, p: dict[str, Any]) -> Any:
        chat, message, by_inline = self._editable(p)
        text, entities = format_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = inline_keyboard(parse_reply_markup(p.get("reply_markup")))
        if "text" not in message:
            raise bad_request(errors.NO_TEXT_TO_EDIT)
        changes = {"text": text, "entities": entities or None, "reply_markup": markup}
        return self._finish_edit(chat, message, changes, by_inline)

    async def edit_message_caption(self, p: dict[str, Any]) -> Any:
        chat, message, by_inline = self._editable(p)
        caption, entities = _caption(p)
        markup = inline_keyboard(parse_reply_markup(p.get("reply_markup")))
        if not any(kind in message for kind in MEDIA_KINDS):
            raise bad_request(errors.NO_CAPTION_TO_EDIT)
        changes = {
            "caption": caption or None,
            "caption_entities": entities or None,
            "reply_markup": markup,
        }
        return self._finish_edit(chat, message, changes, by_inline)

    async def edit_message_reply_markup(self, p: dict[str, Any]) -> Any:
        chat, message, by_inline = self._editable(p)
        markup = inline_keyboard(parse_reply_markup(p.get("reply_markup")))
        return self._finish_edit(chat, message, {"reply_markup": markup}, by_inline)

    async def delete_message(self, p: dict[str, Any]) -> bool:
        chat = self._chat(p)
        self.state.touch(chat)
        message = chat.live_message(self._int(p, "message_id", errors.MESSAGE_ID_MISSING))
        if message is None:
            raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
        chat.deleted.add(message["message_id"])
        self.state.bot_event(chat, "deleted", message["message_id"])
        return True

    async def delete_messages(self, p: dict[str, Any]) -> bool:
        chat = self._chat(p)
        self.state.touch(chat)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message identifiers are not specified")
        for message_id in ids:
            message = chat.live_message(message_id)
            if message is not None:
                chat.deleted.add(message["message_id"])
                self.state.bot_event(chat, "deleted", message["message_id"])
        return True

    # Queries -----------------------------------------------------------------------------

    async def answer_callback_query(self, p: dict[str, Any]) -> bool:
        query = self._live_query(self.state.callback_queries, p.get("callback_query_id"))
        query.answered = True
        query.answer = {
            "text": str(p.get("text") or ""),
            "show_alert": bool(p.get("show_alert")),
            "url": p.get("url"),
        }
        self.state.callback_answers.setdefault(query.user_id, []).append(query.answer)
        chat = self.state.chats.get(query.chat_id) if query.chat_id is not None else None
        if chat is not None:
            # A toast is something the user sees; a bare acknowledgement is not.
            if query.answer["text"]:
                self.state.bot_event(chat, "answered", query.message_id or 0, query.answer["text"])
            else:
                self.state.touch(chat)
        return True

    async def answer_inline_query(self, p: dict[str, Any]) -> bool:
        query = self._live_query(self.state.inline_queries, p.get("inline_query_id"))
        results = p.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise bad_request("can't parse InlineQueryResult JSON object")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            parse_reply_markup(result.get("reply_markup"))
            cached = result.get("photo_file_id")
            if cached is not None:  # a cached photo must be one Telegram holds, as a photo
                stored = self.state.files.get(str(cached))
                if stored is None or stored.kind != "photo":
                    raise bad_request(errors.WRONG_FILE_ID)
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                format_text(
                    content["message_text"], content.get("parse_mode"), content.get("entities")
                )
        query.answered = True
        query.answer = {
            "results": copy.deepcopy(results),
            "next_offset": p.get("next_offset") or "",
            "cache_time": p.get("cache_time"),
            "is_personal": bool(p.get("is_personal")),
            "button": p.get("button"),
        }
        self.state.activity_pulse.fire()
        return True

    # Chats and files ---------------------------------------------------------------------

    async def send_chat_action(self, p: dict[str, Any]) -> bool:
        self._writable_chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p)
        return {
            **chat.public(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p)
        user_id = self._int(p, "user_id", "user not found")
        if user_id == self.state.bot_user["id"]:
            return {"status": "member", "user": self.state.bot_user}
        user = self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        member = user_id in chat.members or (chat.user or {}).get("id") == user_id
        return {"status": "member" if member else "left", "user": user}

    async def get_file(self, p: dict[str, Any]) -> dict[str, Any]:
        stored = self.state.files.get(str(p.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.file_info()


def describe_file(
    kind: str, stored: Any, filename: str, content_type: str, p: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The Document / Sticker / Voice object a message carries for a stored file."""
    base = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    if kind == "voice":
        duration = (p or {}).get("duration")
        return {
            **base,
            "duration": duration if isinstance(duration, int) else 1,
            "mime_type": content_type or "audio/ogg",
        }
    return {
        **base,
        "file_name": filename,
        "mime_type": content_type or "application/octet-stream",
    }


def _caption(p: dict[str, Any]) -> tuple[str, list[Entity]]:
    """A media caption: optional, with Telegram's 1,024-character caption limit."""
    return format_text(
        p.get("caption"),
        p.get("parse_mode"),
        p.get("caption_entities"),
        limit=CAPTION_LIMIT,
        empty_error=None,
        too_long_error=errors.CAPTION_TOO_LONG,
    )
