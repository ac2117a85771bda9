"""`/vet` and "is this legit?": a pasted ad, a forwarded message, a link or a course name,
answered in a few lines from the catalog's sourced rules (catalog/vetting.py), never a
guess. Forwarded messages and pasted links come here from handlers/fallbacks.py.

Try it: forward an ad, or send "/vet lifetime OSHA 30 certification, $25, instant card".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.i18n import N_, Translator
from bot.runtime import ToolboxContext
from catalog.vetting import Point, Vetting, vet
from handlers.chat import Turn, begin_turn, escape, shorten

# One sentence per code in catalog/vetting.yaml; the rules keep codes, the bot the words.
SAYS = {
    "osha_trainers_issue_cards": N_(
        "OSHA 10 and 30 cards come only from OSHA-authorized trainers."
    ),
    "osha_whole_class_required": N_("The card comes only after the whole class and its hours."),
    "epa_approved_programs_only": N_("Only an EPA-approved certifying program can certify you."),
    "epa_proctored_exam_type2_3_universal": N_(
        "Type II, Type III and Universal need a closed-book, proctored exam."
    ),
    "nccer_accredited_sponsor": N_(
        "NCCER cards come through NCCER Accredited Training Sponsors and its Registry."
    ),
    "licence_from_state_authority": N_(
        "A trade licence comes from the state or local licensing authority, not a school."
    ),
    "iso_17024_ansi": N_("Accredited by ANSI to ISO/IEC 17024."),
    "ncca": N_("Accredited by the NCCA."),
    "osha_not_a_certification": N_("🚩 “Certified”: OSHA says its card is not a certification."),
    "osha_instant_card": N_("🚩 Instant card: no card before the full 10 or 30 hours."),
    "epa_no_proctored_exam": N_("🚩 No proctored exam: Type II, III or Universal need one."),
    "licence_sold_without_board": N_(
        "🚩 A licence for sale: only the licensing authority issues one; check its records."
    ),
    "promises_a_job": N_("🚩 A promised job: the FTC says nobody can promise you a job."),
    "osha_report_fraud": N_("Report a doubtful trainer: outreach@dol.gov, 847-725-7804."),
}
LINKS = {
    "osha_report_fraud": N_("OSHA: report fraud"),
    "epa_approved_program_list": N_("EPA: approved programs"),
    "nccer_registry": N_("NCCER credentials"),
    "licence_board_lookup": N_("The licensing authority"),
    "issuer_page": N_("The issuer's page"),
}


def _say(t: Translator, point: Point) -> str | None:
    sentence = SAYS.get(point.code)
    return t(sentence) if sentence else None


def wording(t: Translator, answer: Vetting) -> tuple[str, list[tuple[str, str]]]:
    """The message and its link buttons (label, url) for one answer."""
    if answer.status == "unknown":
        text = t(
            "I don't know this one, so I can't say if it's legit. To check it yourself: "
            "ask who issues the credential (not who sells the course), find that issuer's "
            "own website, and look for its list of approved trainers or a way to verify a "
            "card. For a licence, ask your state's licensing board."
        )
        flags = [s for p in answer.red_flags if (s := _say(t, p))]
        return "\n".join([text, *flags]), []
    name = answer.credential_name or answer.family_name or ""
    lines = [f"<b>{escape(shorten(name, 70))}</b>"]
    if answer.issuer:
        lines.append(t("Issued by: {issuer}", issuer=escape(shorten(answer.issuer, 90))))
    lines += ["• " + s for p in (*answer.facts, *answer.accreditation) if (s := _say(t, p))]
    flags = [s for p in answer.red_flags if (s := _say(t, p))]
    lines += flags or [t("Nothing you sent goes against these sources.")]
    lines += [s for p in answer.check if (s := _say(t, p))]
    links = [(t(LINKS[p.code]), p.url) for p in answer.check if p.url and p.code in LINKS]
    if links:
        lines.append(t("Check it yourself below."))
    return "\n".join(lines), links


def raises_red_flags(turn: Turn, text: str) -> bool:
    """Pasted ad text that the rules flag is vetted, not searched."""
    answer = vet(text, catalog=turn.context.services.catalog)
    return answer.status != "unknown" and bool(answer.red_flags)


async def answer(turn: Turn, text: str) -> None:
    answer = vet(text, catalog=turn.context.services.catalog)
    message, links = wording(turn.t, answer)
    await turn.say(message, turn.keyboard([], links=links) if links else None, edit=False)


async def vet_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    typed = " ".join(context.args or [])
    if not typed:
        await turn.say(
            turn.t(
                "Send /vet with the course, ad or link, like /vet OSHA 30 online $25, "
                "or forward me the ad."
            ),
            edit=False,
        )
        return
    await answer(turn, typed)


ORDER = 36  # among the flows: see handlers/__init__.py
MENU = (("vet", N_("Is this course or card legit?")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [CommandHandler("vet", vet_command)]
