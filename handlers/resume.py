"""`/resume`: the worker's licences and certifications as résumé-ready lines in their
language (name, issuer, month and year, expiry, the badge's verification code, and
"self-reported" where no evidence was attached), as text to copy and as a one-page PDF.

Try it: /earned to add "OSHA 30", then /resume.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.i18n import N_, Translator
from bot.runtime import ToolboxContext
from bot.services.resume_pdf import resume_pdf
from bot.services.toolbox import HeldCredential, Standing, held_credentials
from handlers.chat import PHONE_SCREEN, Turn, begin_turn, escape, private_only
from handlers.plans import zone_and_today


def month(t: Translator, day: date) -> str:
    """ "March 2025", "marzo de 2025": the worker's language's own month-year form."""
    return format_skeleton("yMMMM", day, locale=t.language)


def resume_line(t: Translator, held: HeldCredential) -> str:
    """ "OSHA 30 — OSHA · March 2025 · no expiry · self-reported": one line, plain text."""
    parts = [f"{held.name} — {held.issuer}" if held.issuer else held.name]
    parts.append(month(t, held.earned_on) if held.earned_on else t("date not given"))
    if held.expires_on is not None:
        when = month(t, held.expires_on)
        expired = held.standing == Standing.EXPIRED
        parts.append(
            t("expired {month}", month=when) if expired else t("expires {month}", month=when)
        )
    elif held.standing == Standing.NO_EXPIRY:
        parts.append(t("no expiry"))
    if held.badge is not None:
        parts.append(t("verification code {code}", code=held.badge.code))
    if held.self_reported:
        parts.append(t("self-reported"))
    return " · ".join(parts)


async def send_resume(turn: Turn) -> None:
    t = turn.t
    services = turn.context.services
    _, today = await zone_and_today(turn)
    async with services.sessions() as session:
        held = await held_credentials(session, turn.user_id, services.catalog, today)
    if not held:
        await turn.say(t("You haven't recorded any credentials yet. /earned adds one."), edit=False)
        return
    title = t("Licences and certifications")
    lines = [resume_line(t, h) for h in held]
    note = t("Self-reported: entered by the holder, not confirmed by the issuer.")
    pdf, in_pdf = resume_pdf(title, lines, note, services.clock.now())
    # The text to copy fits one phone screen; the PDF holds what fits one page.
    shown: list[str] = []
    head = f"<b>{escape(title)}</b>"
    tail = t("Copy these lines, or use the PDF below.")
    for line in lines:
        if len("\n".join([head, *shown, escape(line), tail])) + 40 > PHONE_SCREEN:
            break
        shown.append(escape(line))
    if len(shown) < len(lines):
        tail = t("…and {count} more in the PDF.", count=len(lines) - len(shown))
    await turn.say("\n".join([head, *shown, tail]), edit=False)
    caption = (
        t("{count} of {total} fit on one page.", count=in_pdf, total=len(lines))
        if in_pdf < len(lines)
        else None
    )
    chat = turn.update.effective_chat
    if chat is not None:
        await turn.context.bot.send_document(
            chat.id,
            InputFile(pdf, filename=t("licences-and-certifications") + ".pdf"),
            caption=caption,
        )


async def resume_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "resume"):
        await send_resume(turn)


ORDER = 35  # among the flows: see handlers/__init__.py
MENU = (("resume", N_("Your credentials as résumé lines and a PDF")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [CommandHandler("resume", resume_command)]
