"""`/recommend`: the top three as short cards, each with Details, Start a plan,
Not for me and More like this. "Not for me" is remembered for good.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import (
    Button,
    Flow,
    credential_code,
    credential_from_code,
    for_flow,
)
from bot.i18n import N_, Translator
from bot.runtime import ToolboxContext
from bot.services import plans, profiles
from catalog import recommend
from handlers.cards import card, details, reasons_text
from handlers.chat import Turn, begin_turn, escape, private_only

log = logging.getLogger(__name__)
FLOW = Flow.RECOMMEND
PAGE = 3
MAX_SHOWN = 60  # past this, no "More": better to refine the profile than scroll forever
HIDDEN_SHOWN = 10
SEEN = "rec_seen"  # user_data: credential ids shown since the last fresh page


def plan_button(t: Translator, credential_id: str, planned: dict[str, int]) -> Button:
    """ "View plan" for a credential already in a plan, else "Start a plan"."""
    if credential_id in planned:
        return (t("View plan"), Flow.PLAN, "view", planned[credential_id])
    return (t("Start a plan"), Flow.PLAN, "start", credential_code(credential_id))


async def _planned(turn: Turn) -> dict[str, int]:
    """Credentials already in a plan (their buttons say "View plan"). Only a label hangs
    on it, so a database that cannot answer right now leaves "Start a plan" instead."""
    try:
        async with turn.context.services.sessions() as session:
            return await plans.plans_by_credential(session, turn.user_id)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("Plans not read for the card buttons: %s", exc.__class__.__name__)
        return {}


async def show(turn: Turn, *, more: bool = False, edit: bool = False, header: str = "") -> None:
    """Send a page of recommendations, one card per message so each has its buttons.

    `more` continues after the cards already shown (remembered in user_data), so a card
    dismissed in between never makes the next page skip one. `header` (edited into the
    pressed message) goes out once the cards are ready, so they follow it at once.
    """
    services = turn.context.services
    catalog = services.catalog
    t = turn.t
    seen: list[str] = list(turn.context.user_data.get(SEEN, [])) if more else []
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    ranked = recommend(view.ranking_profile(), limit=len(seen) + PAGE, catalog=catalog)
    results = [r for r in ranked if r.credential.id not in seen][:PAGE]
    planned = await _planned(turn) if results else {}
    if header:
        await turn.say(header)
    if not results:
        text = (
            t(
                "That's everything I have for your profile. /profile to change your answers, "
                "or /find to search."
            )
            if seen
            else t(
                "I found nothing that fits yet. /profile to change your answers, or /find "
                "to search."
            )
        )
        await turn.say(text, edit=edit)
        return
    turn.context.user_data[SEEN] = seen + [r.credential.id for r in results]
    for number, result in enumerate(results, start=len(seen) + 1):
        credential = result.credential
        code = credential_code(credential.id)
        rows = [
            [(t("Details"), FLOW, "info", code), plan_button(t, credential.id, planned)],
            [(t("Not for me"), FLOW, "no", code)],
        ]
        if number < MAX_SHOWN:
            rows[1].append((t("More like this"), FLOW, "more", ""))
        why = reasons_text(t, result.reasons, catalog)
        await turn.say(card(t, credential, why, number), turn.keyboard(rows), edit=edit)
        edit = False


async def recommend_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "recommend"):
        return
    async with context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    if view.trade is None and not view.goals and not view.completed:
        await turn.say(turn.t("Tell me a little about your work first: /start"), edit=False)
        return
    await show(turn)


async def card_pressed(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button(ack=False)
    if data is None:
        return
    catalog = context.services.catalog
    if data.action == "more":
        await turn.toast()
        await show(turn, more=True)
        return
    if data.action == "hidden":
        await turn.toast()
        await show_hidden(turn)
        return
    credential_id = credential_from_code(data.arg, frozenset(catalog.credentials))
    if credential_id is None or data.action not in ("info", "no", "undo"):
        await turn.toast(t("That credential is no longer in the catalog."))
        return
    credential = catalog.credentials[credential_id]
    code = credential_code(credential_id)
    services = context.services
    if data.action == "no":
        async with services.sessions.begin() as session:
            await profiles.dismiss(session, services.clock, turn.user_id, credential_id)
        await turn.toast(t("Got it, I won't suggest it again."))
        undo = turn.keyboard([[(t("↩ Undo"), FLOW, "undo", code)]])
        name = escape(credential.name)
        await turn.say(t("<s>{name}</s>\nI won't suggest it again.", name=name), undo)
        return
    if data.action == "undo":
        async with services.sessions.begin() as session:
            await profiles.undismiss(session, turn.user_id, credential_id)
        await turn.toast(t("Back on your list."))
        name = escape(credential.name)
        await turn.say(t("↩ <b>{name}</b> is back on your list.", name=name))
        return
    await turn.toast()
    planned = await _planned(turn)
    keyboard = turn.keyboard(
        [[plan_button(t, credential_id, planned), (t("Not for me"), FLOW, "no", code)]],
        links=[(t("Issuer's page"), str(credential.source_url))],
    )
    await turn.say(details(t, credential, catalog), keyboard, edit=False)


async def show_hidden(turn: Turn) -> None:
    """What the worker said "Not for me" to, each with a button to bring it back."""
    t = turn.t
    catalog = turn.context.services.catalog
    async with turn.context.services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    hidden = [c for c in view.dismissed if c in catalog.credentials][:HIDDEN_SHOWN]
    if not hidden:
        await turn.say(t("Nothing is hidden: every credential can be suggested."), edit=False)
        return
    rows: list[list[Button]] = [
        [("↩ " + catalog.credentials[c].name, FLOW, "undo", credential_code(c))] for c in hidden
    ]
    await turn.say(
        t('You said "Not for me" to these. Tap one to see it suggested again.'),
        turn.keyboard(rows),
        edit=False,
    )


ORDER = 20  # among the flows: see handlers/__init__.py
MENU = (("recommend", N_("Credentials worth your time")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("recommend", recommend_command),
        CallbackQueryHandler(card_pressed, pattern=for_flow(FLOW)),
    ]
