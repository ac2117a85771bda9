"""`/toolbox`: one screen with what the worker holds (valid, renew within 90 days,
expired), what they are working on (their plans' progress) and the next step on their
path (credentials whose catalog prerequisites they now meet), each with its button.

Try it: /earned "OSHA 10", start a plan from /recommend, then /toolbox.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Button, Flow, for_flow
from bot.i18n import N_, Translator
from bot.reminders.texts import bar_line
from bot.runtime import ToolboxContext
from bot.services import plans
from bot.services.progress import Progress
from bot.services.toolbox import HeldCredential, Standing, held_credentials, next_steps
from catalog.schema import Credential
from handlers.chat import PHONE_SCREEN, Turn, begin_turn, escape, private_only, shorten
from handlers.plans import zone_and_today
from handlers.recommend import plan_button
from handlers.resume import send_resume

FLOW = Flow.TOOLBOX
MARKS = {
    Standing.VALID: "✅",
    Standing.NO_EXPIRY: "✅",
    Standing.UNKNOWN: "▫️",
    Standing.RENEW: "⚠️",
    Standing.EXPIRED: "⛔",
}
STATUS = {
    Standing.VALID: N_("valid to {date}"),
    Standing.NO_EXPIRY: N_("no expiry"),
    Standing.UNKNOWN: N_("expiry unknown"),
    Standing.RENEW: N_("renew by {date}"),
    Standing.EXPIRED: N_("expired {date}"),
}
# Names are cut so that the whole screen stays under 600 characters in both languages.
NAME = 34
HELD, PLANS, NEXT = 3, 2, 2


def held_line(t: Translator, held: HeldCredential) -> str:
    day = held.expires_on.isoformat() if held.expires_on else ""
    status = t(STATUS[held.standing], date=day)
    return f"{MARKS[held.standing]} {escape(shorten(held.name, NAME))} · {status}"


def _order(held: list[HeldCredential]) -> list[HeldCredential]:
    """What needs action first: expired, then due for renewal, then the rest."""
    rank = {Standing.EXPIRED: 0, Standing.RENEW: 1}
    return sorted(held, key=lambda h: rank.get(h.standing, 2))


def screen(
    t: Translator,
    held: list[HeldCredential],
    working: list[tuple[str, Progress]],
    steps: list[Credential],
) -> tuple[str, list[list[Button]]]:
    lines = [t("<b>Your toolbox</b>"), "", t("<b>Held</b>")]
    rows: list[list[Button]] = []
    if held:
        lines += [held_line(t, h) for h in _order(held)[:HELD]]
        if len(held) > HELD:
            lines.append(t("…and {count} more.", count=len(held) - HELD))
        rows.append([(t("📄 Résumé"), FLOW, "resume", "")])
    else:
        lines.append(t("Nothing yet: /earned adds what you hold."))
    lines += ["", t("<b>Working on</b>")]
    if working:
        for name, progress in working[:PLANS]:
            lines.append(f"📘 {escape(shorten(name, NAME))}\n   {bar_line(t, progress)}")
        rows.append([(t("View plan"), Flow.PLAN, "view", working[0][1].plan_id)])
    else:
        lines.append(t("No plan yet: /recommend to pick one."))
    if steps:
        lines += ["", t("<b>Next step</b>")]
        lines += [f"➡️ {escape(shorten(step.name, NAME + 10))}" for step in steps[:NEXT]]
        rows += [[plan_button(t, step.id, {})] for step in steps[:NEXT]]
    return "\n".join(lines), rows


async def show(turn: Turn, edit: bool = False) -> None:
    services = turn.context.services
    catalog = services.catalog
    _, today = await zone_and_today(turn)
    async with services.sessions() as session:
        held = await held_credentials(session, turn.user_id, catalog, today)
        live = await plans.list_plans(session, turn.user_id, today)
    working = [
        (
            catalog.credentials[p.credential_id].name
            if p.credential_id in catalog.credentials
            else p.credential_id,
            p,
        )
        for p in live
    ]
    steps = next_steps(catalog, {h.credential_id for h in held}, {p.credential_id for p in live})
    text, rows = screen(turn.t, held, working, steps)
    if len(text) > PHONE_SCREEN:  # many long names in Spanish: keep the heads of each part
        text, rows = screen(turn.t, held[:1], working[:1], steps[:1])
    await turn.say(text, turn.keyboard(rows) if rows else None, edit=edit)


async def toolbox_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "toolbox"):
        await show(turn)


async def toolbox_pressed(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return
    if data.action == "resume":
        await send_resume(turn)
        return
    await turn.say(turn.t("That button is no longer valid."), edit=False)


ORDER = 34  # among the flows: see handlers/__init__.py
MENU = (("toolbox", N_("What you hold, what you're working on, what's next")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("toolbox", toolbox_command),
        CallbackQueryHandler(toolbox_pressed, pattern=for_flow(FLOW)),
    ]
