"""`/find <text>` in a chat, and inline mode (`@bot welding` in any chat): search anywhere."""

from __future__ import annotations

import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, InlineQueryHandler

from bot.callbacks import Flow, credential_code
from bot.i18n import N_, translator
from bot.runtime import ToolboxContext
from catalog import search
from handlers.cards import card, description
from handlers.chat import Turn, begin_turn, escape, shorten

log = logging.getLogger(__name__)

QUERY_LIMIT = 200  # characters of a query we read; a 4,000-character paste is not a query
FIND_RESULTS = 5
INLINE_RESULTS = 10
# Below this best score (0-100) free text did not name a credential or skill we know.
STRONG_MATCH = 60.0
QUOTES = "\"'“”‘’«»"


async def find_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    query = " ".join(context.args or [])[:QUERY_LIMIT].strip()
    if not query:
        await turn.say(t("What should I look for? For example: /find welding"), edit=False)
        return
    await send_results(turn, query)


async def send_results(turn: Turn, query: str, *, strict: bool = False) -> bool:
    """Reply with the best matches; False (and a kind word) when nothing matched.

    `strict` (free text that was not a command): weak matches count as nothing, and
    nothing is said, so the caller can answer in its own words instead of listing
    unrelated credentials.
    """
    t = turn.t
    catalog = turn.context.services.catalog
    query = query.strip().strip(QUOTES).strip()
    hits = search(query, limit=FIND_RESULTS, catalog=catalog)
    if strict and (not hits or hits[0].score < STRONG_MATCH):
        return False
    if not hits:
        await turn.say(
            t(
                'Nothing matched "{query}". Try another word, like "OSHA" or "forklift".',
                query=escape(shorten(query, 60)),
            ),
            edit=False,
        )
        return False
    lines = [t('<b>Results for "{query}"</b>', query=escape(shorten(query, 60)))]
    lines += [
        f"{n}. {escape(shorten(hit.credential.name, 60))} — "
        f"<i>{escape(shorten(hit.credential.issuer, 35))}</i>"
        for n, hit in enumerate(hits, start=1)
    ]
    buttons = [
        (t("Details {n}", n=n), Flow.RECOMMEND, "info", credential_code(hit.credential.id))
        for n, hit in enumerate(hits, start=1)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    await turn.say("\n".join(lines), turn.keyboard(rows), edit=False)
    return True


async def inline_query(update: Update, context: ToolboxContext) -> None:
    """Cards a worker can drop into the crew's chat: no buttons, just the facts and a link."""
    query = update.inline_query
    if query is None:
        return
    t = translator(query.from_user.language_code if query.from_user else None)
    text = query.query[:QUERY_LIMIT].strip()
    catalog = context.services.catalog
    hits = search(text, limit=INLINE_RESULTS, catalog=catalog) if text else []
    results = [
        InlineQueryResultArticle(
            id=credential_code(hit.credential.id),
            title=shorten(hit.credential.name, 100),
            description=shorten(f"{hit.credential.issuer} — {description(t, hit.credential)}", 200),
            input_message_content=InputTextMessageContent(
                card(t, hit.credential, "") + "\n" + escape(str(hit.credential.source_url)),
            ),
        )
        for hit in hits
    ]
    try:
        await query.answer(results, cache_time=60, is_personal=False)
    except BadRequest as exc:
        # Telegram gives about 10 s to answer; a late (or forged) query id is refused, and
        # there is nobody left to tell.
        log.info("Inline query not answered: %s", exc)


ORDER = 25  # among the flows: see handlers/__init__.py
MENU = (("find", N_("Search credentials")),)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("find", find_command),
        InlineQueryHandler(inline_query),
    ]
