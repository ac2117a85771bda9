"""`/help`: what Toolbox can do; and `/cancel` when there is nothing to stop."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.i18n import N_
from bot.runtime import ToolboxContext
from handlers.chat import Turn, begin_turn, escape


async def help_command(update: Update, context: ToolboxContext) -> None:
    await send_help(await begin_turn(update, context))


async def send_help(turn: Turn) -> None:
    t = turn.t
    await turn.say(
        "\n".join(
            [
                t("<b>Toolbox</b> finds short credentials that prove your skills."),
                "",
                t("/start: set up your profile (a few taps)"),
                t("/recommend: the three credentials worth your time"),
                t("/find welding: search the catalog"),
                t("/profile: see and change your answers"),
                t("/language: English or Spanish"),
                t("/cancel: stop what we are doing"),
                t("Tap the / button to see every command."),
                "",
                t(
                    "In any chat, type @{bot} and a word to share a credential.",
                    bot=escape(turn.context.bot.username),
                ),
            ]
        ),
        edit=False,
    )


async def cancel_outside(update: Update, context: ToolboxContext) -> None:
    """`/cancel` that no conversation took: nothing was going on."""
    turn = await begin_turn(update, context)
    await turn.say(turn.t("Nothing to stop. /help shows what I can do."), edit=False)


ORDER = 60  # among the flows: see handlers/__init__.py
MENU = (
    ("help", N_("What I can do")),
    ("cancel", N_("Stop what we are doing")),
)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("help", help_command),
        CommandHandler("cancel", cancel_outside),
    ]
