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

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.helpers import create_deep_linked_url

from bot.callbacks import BadCallback, Button, Callback, NotYours, pack, parse
from bot.i18n import Translator, pick_language, translator
from bot.language_id import language_of
from bot.runtime import ToolboxContext
from bot.services.profiles import ProfileView
from bot.services.timezones import timezone_from_text
from bot.services.users import choose_language, known_speaker, touch_user
from catalog import normalize_region

log = logging.getLogger(__name__)

LANGUAGE_CHECKED = "lang_checked"  # user_data: the first typed words were read for language
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
    # Said once, above the next message: "I'll write in Spanish; /language for English".
    heads_up: str = ""
    # The worker's answers, loaded at most once per update (handlers/onboarding.py); set
    # again, or back to None, whenever this update writes them.
    profile: ProfileView | None = None

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
        if self.heads_up:
            text, self.heads_up = f"{self.heads_up}\n\n{text}", ""
        query = self.update.callback_query
        # A photo (a badge card) has a caption, not text: answer below it instead.
        if edit and query is not None and getattr(query.message, "text", None) is not None:
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
    spoken: str | None = None
    switched = False
    name = user.first_name or ""
    known = known_speaker(
        services.engine.sync_engine, services.clock, user.id, name, user.language_code
    )
    if known is not None and (known.language_chosen or not _may_check_language(update, context)):
        return Turn(update, context, user.id, translator(known.language))  # no session
    try:
        async with services.sessions.begin() as session:
            row = await touch_user(
                session,
                services.clock,
                user.id,
                name,
                user.language_code,
                default_tz=services.settings.default_timezone,
            )
            language = row.language
            spoken = _first_words_language(update, context) if not row.language_chosen else None
            switched = bool(spoken) and spoken != language
            if spoken and switched:
                # Kept like a choice in /language, so the phone's setting does not undo it.
                language = await choose_language(session, services.clock, user.id, spoken)
    except (SQLAlchemyError, OSError) as exc:
        # Database locked, read-only or down: reads like /help still get an answer, in
        # Telegram's language; a step that must write fails there and says "try again".
        log.warning("Answering without the user's row: %s", exc.__class__.__name__)
        language = pick_language(user.language_code)
        switched = False
    turn = Turn(update, context, user.id, translator(language))
    if switched:
        turn.heads_up = turn.t("(I'll write in English. /language to change.)")
    return turn


def _may_check_language(update: Update, context: ToolboxContext) -> bool:
    """Typed words (not a command) not yet checked for their language."""
    message = update.message
    if message is None or not message.text or message.text.startswith("/"):
        return False
    return context.user_data is not None and not context.user_data.get(LANGUAGE_CHECKED)


def _first_words_language(update: Update, context: ToolboxContext) -> str | None:
    """The language of the worker's first typed words (checked once, then never again)."""
    message = update.message
    if message is None or message.text is None or not _may_check_language(update, context):
        return None
    if normalize_region(message.text) or timezone_from_text(message.text):
        return None  # "Florida", "Los Angeles", "Madrid": a place says nothing of the language
    context.user_data[LANGUAGE_CHECKED] = True
    return language_of(message.text)


async def private_only(turn: Turn, payload: str) -> bool:
    """True in a private chat; in a group, answer with a button that opens the private chat
    at `payload` (a deep link), so personal answers never show in front of the crew."""
    if turn.is_private:
        return True
    url = create_deep_linked_url(turn.context.bot.username, payload)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(turn.t("Open a private chat"), url=url)]]
    )
    await turn.say(
        turn.t("Let's do that in private, so your answers stay between us. Tap below."),
        keyboard,
        edit=False,
    )
    return False
