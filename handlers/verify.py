"""`/verify CODE` in any chat, and the deep link printed on every card
(t.me/<bot>?start=verify-CODE): is this badge real, and whose is it?

Answers with the holder's first name, the credential, the date and whether evidence was
attached; an unknown, mistyped or removed code plainly has no badge.

Try it: /verify K7M2PQ4XZ9 (a random code: "No such badge").
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.i18n import N_
from bot.runtime import ToolboxContext
from bot.services import badges
from handlers.badges import credential_name, status_text
from handlers.chat import Turn, begin_turn, escape, shorten


async def verify_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    code = "".join(context.args or [])[:40]
    if not code:
        await turn.say(
            turn.t("Send /verify and the code printed on the badge, like /verify K7M2PQ4XZ9."),
            edit=False,
        )
        return
    await show(turn, code)


async def show(turn: Turn, code: str) -> None:
    t, services = turn.t, turn.context.services
    async with services.sessions() as session:
        badge = await badges.by_code(session, code)
    if badge is None:
        await turn.say(
            t(
                "❌ No such badge. The code {code} does not match any badge: it may be "
                "mistyped, or the badge was removed.",
                code=escape(shorten(code, 20)),
            ),
            edit=False,
        )
        return
    credential = services.catalog.credentials.get(badge.credential_id)
    earned_on = (badge.earned_on or badge.created_at.date()).isoformat()
    await turn.say(
        t(
            "✅ Badge {code}: <b>{holder}</b> earned <b>{credential}</b>{issuer} on {date}. "
            "{status}.\nToolbox records what the worker reported; the issuer has not signed "
            "it.",
            code=badge.code,
            holder=escape(shorten(badge.holder, 40)),
            credential=escape(shorten(credential_name(services, badge), 120)),
            issuer=f" ({escape(shorten(credential.issuer, 60))})" if credential else "",
            date=earned_on,
            status=status_text(t, badge),
        ),
        edit=False,
    )


ORDER = 42  # among the flows: see handlers/__init__.py
MENU = (("verify", N_("Check a badge's code")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [CommandHandler("verify", verify_command)]
