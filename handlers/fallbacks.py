"""What nobody else handled still gets a short, friendly answer: the bot never goes silent.

Registered after every flow in the same handler group (edits in an earlier group), so
they only see what no flow took.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from bot.runtime import ToolboxContext
from handlers.chat import begin_turn
from handlers.log import typed_log
from handlers.search import QUERY_LIMIT, send_results


async def edited(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if turn.is_private:
        await turn.say(
            turn.t("I saw you edited a message. I only read new ones, so please send it again."),
            edit=False,
        )
    raise ApplicationHandlerStop


async def stray_button(update: Update, context: ToolboxContext) -> None:
    """A button from an old message, or forged data: explain, never act."""
    turn = await begin_turn(update, context)
    if await turn.button(ack=False) is None:
        return
    await turn.toast(turn.t("That button has expired. Send /start or /help."), alert=True)


async def stray_text(update: Update, context: ToolboxContext) -> None:
    """Text outside a flow: treat it as a search, else say what we can do."""
    turn = await begin_turn(update, context)
    if not turn.is_private:
        return  # crew chatter in a group is not for us
    text = (update.effective_message.text or "")[:QUERY_LIMIT] if update.effective_message else ""
    if await typed_log(turn, text):  # "studied 2 hours" / "estudié 2 horas"
        return
    if any(ch.isalnum() for ch in text) and await send_results(turn, text):
        return
    await turn.say(
        turn.t(
            "I'm not sure what you mean. /start to set up your profile, "
            "/recommend for ideas, /find to search, /help for everything."
        ),
        edit=False,
    )


async def not_text(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if turn.is_private:
        await turn.say(
            turn.t(
                "Nice one! I can only read text and button taps, though. /help shows what I can do."
            ),
            edit=False,
        )


async def unknown_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if turn.is_private:
        await turn.say(turn.t("I don't know that command. /help lists them all."), edit=False)


def early_handlers() -> list:  # type: ignore[type-arg]
    return [MessageHandler(filters.UpdateType.EDITED, edited)]


def late_handlers() -> list:  # type: ignore[type-arg]
    message = filters.UpdateType.MESSAGE
    return [
        CallbackQueryHandler(stray_button),
        MessageHandler(message & filters.COMMAND, unknown_command),
        MessageHandler(message & filters.TEXT, stray_text),
        MessageHandler(message & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text),
    ]
