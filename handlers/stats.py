"""`/stats`, for operators only (`ADMIN_IDS`): how many use the bot and whether it keeps up.

Anyone else gets the same answer as any unknown command, so the command is not advertised.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.runtime import ToolboxContext
from bot.services import stats
from handlers.chat import begin_turn
from handlers.fallbacks import unknown_command


async def stats_command(update: Update, context: ToolboxContext) -> None:
    services = context.services
    user = update.effective_user
    if user is None or user.id not in services.settings.admin_ids:
        await unknown_command(update, context)
        return
    turn = await begin_turn(update, context)
    async with services.sessions() as session:
        figures = await stats.collect(session, services.clock.now())
    t = turn.t
    await turn.say(
        "\n".join(
            [
                t("<b>Toolbox today</b>"),
                t("Users: {n}", n=figures.users),
                t("Active in the last 7 days: {n}", n=figures.active_7d),
                t("Active plans: {n}", n=figures.active_plans),
                t("Reminders sent today: {n}", n=figures.reminders_today),
                t(
                    "Failures: {updates} updates set aside, {sends} broadcast sends",
                    updates=figures.updates_set_aside,
                    sends=figures.broadcasts_failed,
                ),
                t("Reminder lag: {seconds} s", seconds=int(figures.dispatcher_lag)),
            ]
        ),
        edit=False,
    )


ORDER = 55  # among the flows: see handlers/__init__.py
UNLISTED = ("stats",)  # for ADMIN_IDS only: not in the menu everyone sees


def handlers() -> list:  # type: ignore[type-arg]
    return [CommandHandler("stats", stats_command)]
