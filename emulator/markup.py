"""Validation of reply_markup (inline and reply keyboards) with Telegram's limits and errors.

Telegram's limits: callback_data is 1-64 bytes (``BUTTON_DATA_INVALID``), an inline keyboard
holds at most 100 buttons ("reply markup is too long"), a button needs a text and exactly
one action. Empty rows are dropped and an inline keyboard without buttons counts as none.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import BUTTON_DATA_INVALID, REPLY_MARKUP_TOO_LONG, bad_request

MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = (
    "callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "web_app", "login_url", "callback_game", "pay",
    "copy_text",
)  # fmt: skip


def _button_error(detail: str) -> Exception:
    return bad_request(f"can't parse inline keyboard button: {detail}")


def _inline_button(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if not isinstance(raw.get("text"), str):
        raise _button_error('Field "text" must be of type String')
    actions = [key for key in _INLINE_ACTIONS if raw.get(key) is not None]
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if "callback_data" in actions:
        data = raw["callback_data"]
        if not isinstance(data, str):
            raise _button_error('Field "callback_data" must be of type String')
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request(BUTTON_DATA_INVALID)
    return {key: value for key, value in raw.items() if value is not None}


def _rows(markup: dict[str, Any], field: str, kind: str) -> list[Any]:
    rows = markup.get(field)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'Field "{field}" of the {kind} must be an Array of Arrays')
    return rows


def parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """Validate ``reply_markup`` (a dict or its JSON string); None when there is none.

    Returns the markup as Telegram stores it: for inline keyboards the rows without empty ones.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")

    if "inline_keyboard" in raw:
        rows = _rows(raw, "inline_keyboard", "InlineKeyboardMarkup")
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise bad_request(REPLY_MARKUP_TOO_LONG)
        keyboard = [[_inline_button(button) for button in row] for row in rows if row]
        return {"inline_keyboard": keyboard} if keyboard else None
    if "keyboard" in raw:
        rows = _rows(raw, "keyboard", "ReplyKeyboardMarkup")
        keyboard = []
        for row in rows:
            buttons = [{"text": b} if isinstance(b, str) else b for b in row]
            if any(not isinstance(b, dict) or not isinstance(b.get("text"), str) for b in buttons):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            if buttons:
                keyboard.append(buttons)
        return {**raw, "keyboard": keyboard} if keyboard else None
    if raw.get("remove_keyboard") or raw.get("force_reply"):
        return dict(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup that Telegram echoes back in Message.reply_markup."""
    if markup and "inline_keyboard" in markup:
        return markup
    return None
