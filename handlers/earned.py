"""`/earned`: record a credential you hold (search as you type), when you earned it, and
when it expires; renewal alerts follow 90, 30 and 7 days before and on the day. A renewal
alert's "I renewed it" moves the expiry on by one renewal period (or asks the new date).

Try it: /earned, type "OSHA 30", tap the match, tap "Today".
"""

from __future__ import annotations

import warnings
from datetime import date

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url
from telegram.warnings import PTBUserWarning

from bot.callbacks import (
    Button,
    Flow,
    credential_code,
    credential_from_code,
    for_action,
    for_flow,
)
from bot.i18n import N_, Translator
from bot.reminders.kinds.renewal import RENEWED
from bot.runtime import ToolboxContext
from bot.services import earned
from bot.services.earned import (
    Expiry,
    NotHeld,
    Recorded,
    add_months,
    expiry_rule,
    parse_date,
)
from bot.services.linkedin import add_to_profile_url
from bot.services.toolbox import HeldCredential, held_credentials
from catalog import suggest_credentials
from handlers.chat import Turn, begin_turn, escape, private_only, shorten
from handlers.plans import zone_and_today

FLOW = Flow.EARNED
NAME, WHEN, EXPIRES, RENEWED_EXPIRES = "ea_name", "ea_when", "ea_expires", "ea_renewed"
PICKED, EARNED_ON, RENEWING = "earned_credential", "earned_on", "earned_renewing"
MONTHS_AGO = (0, 12, 24, 36)
SHOWN = 5  # with the prompt, one phone screen


def expiry_note(t: Translator, recorded: Recorded, today: date | None = None) -> str:
    """Why there will or will not be renewal alerts, in one or two lines."""
    if recorded.expiry == Expiry.NEVER:
        return t("It never expires, so there are no renewal alerts.")
    if recorded.expiry != Expiry.SCHEDULED or recorded.expires_on is None:
        return t(
            "Nobody told me when it expires, so there are no renewal alerts. "
            "/earned again to add the date."
        )
    on = recorded.expires_on.isoformat()
    if today is not None and recorded.expires_on < today:
        return t("It expired on {date}. The issuer's page says how to renew.", date=on)
    return t(
        "It expires on {date}. I'll remind you 90, 30 and 7 days before, and on the day.", date=on
    )


def _held_line(t: Translator, turn: Turn, held: earned.Held, number: int) -> str:
    catalog = turn.context.services.catalog
    credential = catalog.credentials.get(held.credential_id)
    name = escape(shorten(credential.name if credential else held.credential_id, 50))
    if held.expires_on is not None:
        status = t("expires {date}", date=held.expires_on.isoformat())
    elif (
        credential is not None and credential.renewal is not None and not credential.renewal.expires
    ):
        status = t("never expires")
    else:
        status = t("expiry unknown")
    return f"{number}. {name} · {status}"


def linkedin_link(turn: Turn, held: HeldCredential) -> tuple[str, str]:
    """An "Add to LinkedIn" URL button: the profile fills in with one tap."""
    code = held.badge.code if held.badge else None
    # A badge's verification deep link (badges work, issue 10) is the certificate's page.
    page = create_deep_linked_url(turn.context.bot.username, f"verify-{code}") if code else None
    url = add_to_profile_url(
        held.name, held.issuer, held.earned_on, held.expires_on, cert_url=page, cert_id=code
    )
    return turn.t("Add to LinkedIn: {name}", name=shorten(held.name, 24)), url


async def earned_command(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "earned"):
        return ConversationHandler.END
    t = turn.t
    typed = " ".join(context.args or [])
    if typed:
        return await name_search(turn, typed)
    _, today = await zone_and_today(turn)
    async with context.services.sessions() as session:
        held = await earned.list_earned(session, turn.user_id)
        shown = await held_credentials(session, turn.user_id, context.services.catalog, today)
    links = [linkedin_link(turn, h) for h in shown[:SHOWN]]
    lines = []
    if held:
        lines.append(t("Credentials you hold:"))
        lines += [_held_line(t, turn, h, n) for n, h in enumerate(held[:SHOWN], 1)]
        if len(held) > SHOWN:
            lines.append(t("…and {count} more.", count=len(held) - SHOWN))
        lines.append("")
    lines.append(t('Type the name of a credential you hold to add it ("OSHA 30", "608").'))
    await turn.say(
        "\n".join(lines), turn.keyboard([[(t("✔ Done"), FLOW, "end", "")]], links), edit=False
    )
    return NAME


async def name_search(turn: Turn, text: str) -> str:
    t = turn.t
    catalog = turn.context.services.catalog
    hits = suggest_credentials(text[:200], limit=5, catalog=catalog)
    if not hits:
        await turn.say(
            t("I couldn't find that one. Try another name, or /cancel."),
            turn.keyboard([[(t("✔ Done"), FLOW, "end", "")]]),
            edit=False,
        )
        return NAME
    # Official names are long and alike: full names numbered in the text, numbers on buttons.
    listing = "\n".join(f"{n}. {escape(hit.credential.name)}" for n, hit in enumerate(hits, 1))
    rows: list[list[Button]] = [
        [(f"{n}. {hit.credential.name}", FLOW, "pick", credential_code(hit.credential.id))]
        for n, hit in enumerate(hits, 1)
    ]
    await turn.say(
        t("Which one do you hold? Tap its number.") + "\n" + listing,
        turn.keyboard(rows),
        edit=False,
    )
    return NAME


async def name_typed(update: Update, context: ToolboxContext) -> str:
    turn = await begin_turn(update, context)
    text = update.effective_message.text if update.effective_message else ""
    return await name_search(turn, text or "")


async def ask_when(turn: Turn, note: str = "") -> str:
    t = turn.t
    labels = (t("Today"), t("1 year ago"), t("2 years ago"), t("3 years ago"))
    buttons: list[Button] = [
        (label, FLOW, "ago", months) for label, months in zip(labels, MONTHS_AGO, strict=True)
    ]
    rows = [buttons[:2], buttons[2:]]
    text = t('When did you earn it? Tap, or type the date ("2025-03-14" or "March 2025").')
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows))
    return WHEN


async def ask_expiry(turn: Turn, note: str = "") -> str:
    t = turn.t
    text = t(
        "The catalog doesn't say when it expires. Type the expiry date on your card "
        '("2027-06-30"), or tap:'
    )
    rows: list[list[Button]] = [[(t("I don't know"), FLOW, "unknown", "")]]
    await turn.say(f"{note}\n\n{text}" if note else text, turn.keyboard(rows), edit=False)
    return EXPIRES


async def earned_pressed(update: Update, context: ToolboxContext) -> str | int | None:
    """Buttons inside /earned: the match, how long ago, "I don't know", Done."""
    turn = await begin_turn(update, context)
    t = turn.t
    data = await turn.button()
    if data is None:
        return None
    catalog = context.services.catalog
    if data.action == "end":
        await turn.say(t("Okay. /earned any time to add another."))
        return ConversationHandler.END
    if data.action == "pick":
        credential_id = credential_from_code(data.arg, frozenset(catalog.credentials))
        if credential_id is None:
            await turn.say(t("That credential is no longer in the catalog."), edit=False)
            return NAME
        context.user_data[PICKED] = credential_id
        return await ask_when(turn, "✓ " + escape(catalog.credentials[credential_id].name))
    if data.action == "ago" and data.arg.isdigit() and int(data.arg) in MONTHS_AGO:
        today = await _today(turn)
        return await earned_on_known(turn, add_months(today, -int(data.arg)))
    if data.action == "unknown":
        return await save(turn, None, worker_says_unknown=True)
    await turn.say(t("That button is no longer valid."), edit=False)
    return None


async def _today(turn: Turn) -> date:
    return (await zone_and_today(turn))[1]


async def when_typed(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    text = update.effective_message.text if update.effective_message else ""
    day = parse_date(text or "")
    today = await _today(turn)
    if day is None or day > today or day.year < 1950:
        return await ask_when(turn, turn.t("Sorry, I couldn't read that date."))
    return await earned_on_known(turn, day)


async def earned_on_known(turn: Turn, day: date) -> str | int:
    credential_id = turn.context.user_data.get(PICKED)
    catalog = turn.context.services.catalog
    if not isinstance(credential_id, str) or credential_id not in catalog.credentials:
        await turn.say(turn.t("Sorry, I lost track. Send /earned again."), edit=False)
        return ConversationHandler.END
    turn.context.user_data[EARNED_ON] = day.isoformat()
    rule, _ = expiry_rule(catalog.credentials[credential_id], day)
    if rule == Expiry.ASK:
        return await ask_expiry(turn, "✓ " + day.isoformat())
    return await save(turn, None)


async def expiry_typed(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    text = update.effective_message.text if update.effective_message else ""
    day = parse_date(text or "")
    if day is None or day.year > 2100:
        return await ask_expiry(turn, turn.t("Sorry, I couldn't read that date."))
    return await save(turn, day)


async def save(turn: Turn, expires_on: date | None, worker_says_unknown: bool = False) -> int:
    t = turn.t
    services = turn.context.services
    answers = turn.context.user_data
    credential_id, earned_text = answers.get(PICKED), answers.get(EARNED_ON)
    if not isinstance(credential_id, str) or not isinstance(earned_text, str):
        await turn.say(t("Sorry, I lost track. Send /earned again."), edit=False)
        return ConversationHandler.END
    credential = services.catalog.credentials.get(credential_id)
    if credential is None:
        await turn.say(t("That credential is no longer in the catalog."), edit=False)
        return ConversationHandler.END
    zone, today = await zone_and_today(turn)
    async with services.sessions.begin() as session:
        recorded = await earned.record_earned(
            session,
            services.clock,
            turn.user_id,
            credential,
            date.fromisoformat(earned_text),
            zone,
            expires_on=expires_on,
            worker_says_unknown=worker_says_unknown,
        )
        held = next(
            h
            for h in await held_credentials(session, turn.user_id, services.catalog, today)
            if h.earned_id == recorded.earned_id
        )
    answers.pop(PICKED, None)
    answers.pop(EARNED_ON, None)
    await turn.say(
        t("✓ <b>{name}</b> saved, earned {date}.", name=escape(credential.name), date=earned_text)
        + "\n"
        + expiry_note(t, recorded, today),
        turn.keyboard([], links=[linkedin_link(turn, held)]),
        edit=False,
    )
    return ConversationHandler.END


async def renewed_pressed(update: Update, context: ToolboxContext) -> str | int | None:
    """A renewal alert's "I renewed it": renewed today, so the expiry moves on by one
    catalog renewal period; without one, ask the date on the renewed card."""
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return None
    if not data.arg.isdigit():
        await turn.say(turn.t("That button is no longer valid."), edit=False)
        return ConversationHandler.END
    context.user_data[RENEWING] = int(data.arg)
    return await renew(turn, None)


async def renewed_expiry_typed(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    text = update.effective_message.text if update.effective_message else ""
    day = parse_date(text or "")
    today = await _today(turn)
    if day is None or day <= today or day.year > 2100:
        return await ask_renewed_expiry(turn, turn.t("Sorry, I need a date after today."))
    return await renew(turn, day)


async def ask_renewed_expiry(turn: Turn, note: str = "") -> str:
    text = turn.t(
        "The catalog doesn't say how long a renewal lasts. Type the new expiry date on "
        'your card ("2029-06-30"), or /cancel.'
    )
    await turn.say(f"{note}\n\n{text}" if note else text, edit=False)
    return RENEWED_EXPIRES


async def renew(turn: Turn, expires_on: date | None) -> str | int:
    """Record the renewal (today) and say when the next alerts come."""
    t = turn.t
    services = turn.context.services
    earned_id = turn.context.user_data.get(RENEWING)
    held = None
    if isinstance(earned_id, int):
        async with services.sessions() as session:
            held = next(
                (
                    h
                    for h in await earned.list_earned(session, turn.user_id)
                    if h.earned_id == earned_id
                ),
                None,
            )
    credential = services.catalog.credentials.get(held.credential_id) if held else None
    if held is None or credential is None:
        turn.context.user_data.pop(RENEWING, None)
        await turn.say(
            t("That credential is no longer in your list. /earned shows what you hold."), edit=False
        )
        return ConversationHandler.END
    zone, today = await zone_and_today(turn)
    try:
        async with services.sessions.begin() as session:
            recorded = await earned.record_renewal(
                session, services.clock, turn.user_id, held.earned_id, credential, today, zone,
                expires_on=expires_on,
            )  # fmt: skip
    except NotHeld:
        turn.context.user_data.pop(RENEWING, None)
        await turn.say(
            t("That credential is no longer in your list. /earned shows what you hold."), edit=False
        )
        return ConversationHandler.END
    if recorded.expiry == Expiry.ASK:
        return await ask_renewed_expiry(turn, "✓ " + escape(credential.name))
    turn.context.user_data.pop(RENEWING, None)
    await turn.say(
        t(
            "✓ <b>{name}</b> renewed on {date}.",
            name=escape(credential.name),
            date=today.isoformat(),
        )
        + "\n"
        + expiry_note(t, recorded, today),
        edit=False,
    )
    return ConversationHandler.END


async def cancel(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    await turn.say(turn.t("Okay, stopped. Nothing changed."), edit=False)
    return ConversationHandler.END


def build() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    buttons = CallbackQueryHandler(earned_pressed, pattern=for_flow(FLOW))
    renewed = CallbackQueryHandler(renewed_pressed, pattern=for_action(FLOW, RENEWED))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message=False on purpose
        return ConversationHandler(
            name="earned",
            persistent=True,
            entry_points=[
                CommandHandler("earned", earned_command),
                CallbackQueryHandler(renewed_pressed, pattern=for_action(FLOW, RENEWED)),
            ],
            states={
                NAME: [MessageHandler(text, name_typed), buttons],
                WHEN: [MessageHandler(text, when_typed), buttons],
                EXPIRES: [MessageHandler(text, expiry_typed), buttons],
                RENEWED_EXPIRES: [MessageHandler(text, renewed_expiry_typed), renewed],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
        )


ORDER = 32  # among the flows: see handlers/__init__.py
MENU = (("earned", N_("Credentials you hold and renewals")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [build()]
