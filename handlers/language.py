"""`/language`: English or Spanish, whatever Telegram says the phone speaks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Flow, for_flow
from bot.i18n import N_, available_languages, translator
from bot.runtime import ToolboxContext
from bot.services.users import choose_language
from handlers.chat import Button, begin_turn, private_only

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


async def language_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "language"):
        return
    row: list[Button] = [
        (LANGUAGE_NAMES.get(code, code), Flow.LANGUAGE, "set", code)
        for code in available_languages()
    ]
    await turn.say(turn.t("Which language do you prefer?"), turn.keyboard([row]), edit=False)


async def language_chosen(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    data = await turn.button(ack=False)
    if data is None:
        return
    if data.arg not in available_languages():
        await turn.toast(turn.t("That button is no longer valid."))
        return
    services = context.services
    async with services.sessions.begin() as session:
        language = await choose_language(session, services.clock, turn.user_id, data.arg)
    turn.t = translator(language)
    await turn.toast()
    await turn.say(turn.t("Done: I'll speak English with you."))


ORDER = 51  # among the flows: see handlers/__init__.py
MENU = (("language", N_("Change language")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("language", language_command),
        CallbackQueryHandler(language_chosen, pattern=for_flow(Flow.LANGUAGE)),
    ]
