"""What nobody else handled still gets a short, friendly answer: the bot never goes silent.

Registered after every flow in the same handler group (edits in an earlier group), so
they only see what no flow took.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, MessageEntity, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from bot.intents import Intent, read_intent
from bot.runtime import ToolboxContext
from bot.services import profiles
from catalog import normalize_trade
from handlers import onboarding, privacy, profile, recommend, vet
from handlers.chat import Turn, begin_turn, escape
from handlers.find import QUERY_LIMIT, send_results
from handlers.help import send_help
from handlers.log import typed_log
from handlers.reminders import show_reminders


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
    """Text outside a flow: first what the worker wants, and only then a search."""
    turn = await begin_turn(update, context)
    if not turn.is_private:
        return  # crew chatter in a group is not for us
    message = update.effective_message
    if message is not None and message.text and _looks_like_an_ad(message):
        await vet.answer(turn, message.text)  # the whole ad: its red flags may be anywhere
        return
    text = (message.text or "")[:QUERY_LIMIT] if message else ""
    catalog = context.services.catalog
    is_trade = normalize_trade(text, catalog=catalog).trade is not None
    intent = read_intent(text, is_trade=is_trade)
    if intent == Intent.SEARCH and vet.raises_red_flags(turn, text):
        intent = Intent.VET  # ad text pasted without a question: "608 universal, no exam"
    await ANSWERS[intent](turn, text)


def _looks_like_an_ad(message: Message) -> bool:
    """A forwarded message or a pasted link is something the worker found: vet it."""
    if message.forward_origin is not None:
        return True
    return any(e.type in (MessageEntity.URL, MessageEntity.TEXT_LINK) for e in message.entities)


async def _greeting(turn: Turn, text: str) -> None:
    name = escape(turn.update.effective_user.first_name if turn.update.effective_user else "")
    if await _has_profile(turn):
        line = turn.t(
            "Hi {name}! /recommend shows your best three, /find searches, /help for the rest.",
            name=name,
        )
    else:
        line = turn.t(
            "Hi {name}! I'm Toolbox. Send /start and a few taps find the credentials worth "
            "your time.",
            name=name,
        )
    await turn.say(line, edit=False)


async def _thanks(turn: Turn, text: str) -> None:
    await turn.say(turn.t("You're welcome! Good luck out there. 🛠"), edit=False)


async def _log(turn: Turn, text: str) -> None:
    if await typed_log(turn, text):  # "studied 2 hours", "estudié una hora": logged
        return
    await turn.say(
        turn.t("To log study time, send /log with how long, like /log 1h or /log 30m."),
        edit=False,
    )


async def _reminders(turn: Turn, text: str) -> None:
    await show_reminders(turn)


async def _export(turn: Turn, text: str) -> None:
    await privacy.send_export(turn)


async def _delete(turn: Turn, text: str) -> None:
    await privacy.ask_delete(turn)


async def _privacy(turn: Turn, text: str) -> None:
    await privacy.show_privacy(turn)


async def _profile(turn: Turn, text: str) -> None:
    await profile.show(turn)


async def _recommend(turn: Turn, text: str) -> None:
    if await _has_profile(turn):
        await recommend.show(turn)
    else:
        await turn.say(turn.t("Tell me a little about your work first: /start"), edit=False)


async def _trade(turn: Turn, text: str) -> None:
    """ "soy soldador", "im an hvac aprentice": keep every answer the sentence gives."""
    note = await onboarding.keep_answers(turn, text)
    follow = (
        turn.t("Not right? /profile changes any answer.")
        if await _has_profile(turn)
        else turn.t("Send /start to finish your profile.")
    )
    await turn.say(f"{note}\n{follow}", edit=False)


async def _search(turn: Turn, text: str) -> None:
    if any(ch.isalnum() for ch in text) and await send_results(turn, text, strict=True):
        return
    await turn.say(
        turn.t(
            "I couldn't find a credential like that; try /find with its name. "
            "/help shows what else I can do."
        ),
        edit=False,
    )


async def _has_profile(turn: Turn) -> bool:
    async with turn.context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    return view.completed


ANSWERS: dict[Intent, Callable[[Turn, str], Awaitable[None]]] = {
    Intent.GREETING: _greeting,
    Intent.THANKS: _thanks,
    Intent.HELP: lambda turn, text: send_help(turn),
    Intent.LOG: _log,
    Intent.REMINDERS: _reminders,
    Intent.EXPORT: _export,
    Intent.DELETE: _delete,
    Intent.PRIVACY: _privacy,
    Intent.PROFILE: _profile,
    Intent.RECOMMEND: _recommend,
    Intent.TRADE: _trade,
    Intent.SEARCH: _search,
    Intent.VET: vet.answer,
}


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


ORDER = 1000  # last: what no flow took


def handlers() -> list:  # type: ignore[type-arg]
    message = filters.UpdateType.MESSAGE
    return [
        CallbackQueryHandler(stray_button),
        MessageHandler(message & filters.COMMAND, unknown_command),
        MessageHandler(message & filters.TEXT, stray_text),
        MessageHandler(message & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text),
    ]
