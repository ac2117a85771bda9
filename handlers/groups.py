"""Groups: never ask personal questions in front of the crew; point to the private chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters
from telegram.helpers import create_deep_linked_url

from bot.runtime import ToolboxContext
from handlers.chat import Turn, begin_turn


async def private_only(turn: Turn, payload: str) -> bool:
    """True in a private chat; in a group, answer with a button that opens the private chat."""
    if turn.is_private:
        return True
    username = turn.context.bot.username
    url = create_deep_linked_url(username, payload)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(turn.t("Open a private chat"), url=url)]]
    )
    await turn.say(
        turn.t("Let's do that in private, so your answers stay between us. Tap below."),
        keyboard,
        edit=False,
    )
    return False


async def start_in_group(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "/start").split()[0].lstrip("/").split("@")[0].lower()
    await private_only(turn, "profile" if command == "profile" else "start")


def handlers() -> list:  # type: ignore[type-arg]
    groups = filters.ChatType.GROUPS
    return [
        CommandHandler(["start", "profile", "language"], start_in_group, filters=groups),
    ]
