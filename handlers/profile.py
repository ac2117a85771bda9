"""`/profile`: every answer the worker gave, each changeable on its own.

The lines and their "change" buttons come from the same `QUESTIONS` onboarding asks; a
tap re-asks that one question in the onboarding conversation, then comes back here.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import Flow
from bot.i18n import N_
from bot.runtime import ToolboxContext
from bot.services import profiles
from handlers import questions
from handlers.chat import Button, Turn, begin_turn, escape, private_only
from handlers.question import Asking

PER_ROW = 3


async def show(turn: Turn, note: str = "") -> None:
    t = turn.t
    services = turn.context.services
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    asking = Asking(t, services.catalog, view)
    lines = [note + "\n" if note else "", t("<b>Your profile</b>")]
    lines += [
        f"• {escape(t(q.label))}: {escape(q.shows(view, asking))}" for q in questions.QUESTIONS
    ]
    lines.append(t("Timezone: {tz}", tz=escape(view.timezone or t("not set"))))
    if view.dismissed:
        lines.append(t("Not for me: {count} hidden", count=len(view.dismissed)))
    lines.append(t("Tap what you want to change."))
    buttons: list[Button] = [
        (t(q.label), Flow.ONBOARDING, "edit", q.name) for q in questions.QUESTIONS
    ]
    if view.dismissed:
        buttons.append((t("Hidden"), Flow.RECOMMEND, "hidden", ""))
    keyboard = turn.keyboard([buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)])
    await turn.say("\n".join(line for line in lines if line), keyboard, edit=False)


async def profile_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "profile"):
        await show(turn)


ORDER = 50  # among the flows: see handlers/__init__.py
MENU = (("profile", N_("See and change your answers")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [CommandHandler("profile", profile_command)]
