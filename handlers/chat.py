"""One conversational turn: who is talking, in which language, and how we answer.

Every handler starts with `begin_turn`, which records the user (first contact creates
them) and picks their language, then answers with `turn.say`: an edit of the message
whose button was pressed, or a new message.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.callbacks import BadCallback, Button, Callback, NotYours, pack, parse
from bot.i18n import Translator, translator
from bot.runtime import ToolboxContext
from bot.services.users import touch_user

log = logging.getLogger(__name__)

PHONE_SCREEN = 600  # characters: one phone screen without scrolling


def escape(text: object) -> str:
    """Every piece of user or catalog text goes through this before it meets HTML."""
    return html.escape(str(text), quote=False)


def shorten(text: str, limit: int) -> str:
    """Squeeze spaces and cut to `limit` characters, at a word boundary when one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


@dataclass
class Turn:
    update: Update
    context: ToolboxContext
    user_id: int
    t: Translator

    @property
    def is_private(self) -> bool:
        chat = self.update.effective_chat
        return bool(chat and chat.type == ChatType.PRIVATE)

    def keyboard(
        self, rows: Sequence[Sequence[Button]], links: Sequence[tuple[str, str]] = ()
    ) -> InlineKeyboardMarkup:
        markup = [
            [
                InlineKeyboardButton(
                    shorten(label, 40), callback_data=pack(flow, action, self.user_id, arg)
                )
                for label, flow, action, arg in row
            ]
            for row in rows
            if row
        ]
        markup += [[InlineKeyboardButton(label, url=url)] for label, url in links]
        return InlineKeyboardMarkup(markup)

    async def say(
        self,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
        *,
        edit: bool = True,
    ) -> Message | None:
        """Edit the pressed message when there is one (fewer messages on a small screen)."""
        query = self.update.callback_query
        if edit and query is not None and query.message is not None:
            try:
                result = await query.edit_message_text(text, reply_markup=keyboard)
                return result if isinstance(result, Message) else None
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return None
                log.info("Could not edit, sending instead: %s", exc)
        chat = self.update.effective_chat
        if chat is None:
            return None
        return await self.context.bot.send_message(chat.id, text, reply_markup=keyboard)

    async def button(self, *, ack: bool = True) -> Callback | None:
        """The pressed button's data, checked; None (after a kind toast) when refused.

        `ack` answers the press at once; pass False to answer later with a toast of your own.
        """
        query = self.update.callback_query
        try:
            data = parse(query.data if query else None, self.user_id)
        except NotYours:
            await self.toast(self.t("This button is for someone else."))
            return None
        except BadCallback:
            await self.toast(self.t("That button is no longer valid."))
            return None
        if ack:
            await self.toast()
        return data

    async def toast(self, text: str = "", alert: bool = False) -> None:
        """Answer the button press (Telegram shows a spinner until we do)."""
        query = self.update.callback_query
        if query is None:
            return
        try:
            await query.answer(text[:200] or None, show_alert=alert)
        except BadRequest:
            pass  # too old to answer: nothing the user can see anyway


async def begin_turn(update: Update, context: ToolboxContext) -> Turn:
    user = update.effective_user
    if user is None:  # channel posts and the like: answer in the default language
        return Turn(update, context, 0, translator(None))
    services = context.services
    async with services.sessions.begin() as session:
        row = await touch_user(
            session,
            services.clock,
            user.id,
            user.first_name or "",
            user.language_code,
            default_tz=services.settings.default_timezone,
        )
        language = row.language
    return Turn(update, context, user.id, translator(language))
