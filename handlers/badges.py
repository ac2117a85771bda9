"""`/badges`: the worker's wall of badge cards, newest first, each with Share and Details.

Share opens Telegram's chat picker (`switch_inline_query_chosen_chat`) with "badge CODE"
typed in: the worker picks a group or a private chat and the card goes there through
inline mode, as a photo with a one-line caption. Details shows the verification code,
attaches a photo or PDF of the certificate (its file_id only), exports an Open Badges 3.0
file, and removes the badge.

Try it: /earned, record "OSHA 30", then /badges.
"""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultCachedPhoto,
    InlineQueryResultsButton,
    InputFile,
    Message,
    SwitchInlineQueryChosenChat,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url
from telegram.warnings import PTBUserWarning

from bot.badge_card import CardContent, draw_card, family_of
from bot.callbacks import Flow, for_action, for_flow, pack
from bot.i18n import N_, Translator
from bot.runtime import Services, ToolboxContext
from bot.services import badges
from bot.services.badges import BadgeNotFound, BadgeView
from handlers.cards import description
from handlers.chat import Turn, begin_turn, escape, private_only, shorten

FLOW = Flow.BADGE
PROOF = "bd_proof"
PROOF_BADGE = "badge_proof_for"  # user_data: the badge waiting for its certificate
WALL_SHOWN = 10  # cards sent at once; a phone scrolls, a crew member does not wait
INLINE_SHOWN = 20
# "badge", "badges", "badge K7M2…": what the Share button types; anything else is search.
INLINE_QUERY = re.compile(r"(?i)^\s*badges?\b\s*(?P<code>[A-Za-z0-9]*)\s*$")


# ---------------------------------------------------------------- the card ---------


def verify_link(username: str, code: str) -> str:
    return create_deep_linked_url(username, f"verify-{code}")


def card_content(t: Translator, services: Services, badge: BadgeView, username: str) -> CardContent:
    credential = services.catalog.credentials.get(badge.credential_id)
    earned_on = badge.earned_on or badge.created_at.date()
    return CardContent(
        credential=credential.name if credential else badge.credential_id,
        issuer=credential.issuer if credential else "",
        holder=badge.holder or "—",
        earned_line=t("Earned {date}", date=earned_on.isoformat()),
        status=status_text(t, badge),
        verify_line=t("Verify: {link}", link=verify_link(username, badge.code).split("//")[-1]),
        family=family_of(credential.trades, credential.type) if credential else "building",
    )


def status_text(t: Translator, badge: BadgeView) -> str:
    return t("Evidence attached") if badge.evidence else t("Self-reported")


def credential_name(services: Services, badge: BadgeView) -> str:
    credential = services.catalog.credentials.get(badge.credential_id)
    return credential.name if credential else badge.credential_id


def caption(t: Translator, services: Services, badge: BadgeView) -> str:
    """One line under a shared card; the code lets anyone check it with /verify."""
    return t(
        "🏅 {holder} earned {credential} · /verify {code}",
        holder=escape(badge.holder),
        credential=escape(shorten(credential_name(services, badge), 80)),
        code=badge.code,
    )


async def send_card(
    context: ToolboxContext,
    chat_id: int,
    t: Translator,
    badge: BadgeView,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send the badge's card: by its stored file_id when the content is unchanged, else
    drawn (once per content, cached) and uploaded, and the new file_id kept."""
    services = context.services
    content = card_content(t, services, badge, context.bot.username)
    digest = content.digest()
    text = caption(t, services, badge)
    if badge.card_file_id and badge.card_hash == digest:
        try:
            return await context.bot.send_photo(
                chat_id, badge.card_file_id, caption=text, reply_markup=markup
            )
        except BadRequest:  # a file_id Telegram forgot: draw and upload again
            pass
    png = await asyncio.to_thread(draw_card, content)  # ~0.1 s of drawing off the loop
    message = await context.bot.send_photo(
        chat_id,
        InputFile(png, filename=f"badge-{badge.code}.png"),
        caption=text,
        reply_markup=markup,
    )
    if message.photo:
        async with services.sessions.begin() as session:
            await badges.remember_card(
                session, badge.user_id, badge.id, digest, message.photo[-1].file_id
            )
    return message


async def draw_missing(context: ToolboxContext, t: Translator, wall: list[BadgeView]) -> None:
    """Draw the cards not uploaded yet before the first message, so the wall arrives in
    one go instead of a header, a pause, then the cards."""
    for badge in wall:
        content = card_content(t, context.services, badge, context.bot.username)
        if not (badge.card_file_id and badge.card_hash == content.digest()):
            await asyncio.to_thread(draw_card, content)


def share_button(t: Translator, badge: BadgeView) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t("Share"),
        switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
            query=f"badge {badge.code}",
            allow_user_chats=True,
            allow_group_chats=True,
            allow_bot_chats=False,
            allow_channel_chats=False,
        ),
    )


# ---------------------------------------------------------------- the wall ---------


async def badges_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "badges"):
        await show_wall(turn)


async def show_wall(turn: Turn) -> None:
    t, services = turn.t, turn.context.services
    async with services.sessions() as session:
        wall = await badges.wall(session, turn.user_id)
    if not wall:
        await turn.say(
            t(
                "No badges yet. Record a credential you hold with /earned, or finish a plan: "
                "each one becomes a badge card you can share with your crew."
            ),
            edit=False,
        )
        return
    shown = wall[:WALL_SHOWN]
    await draw_missing(turn.context, t, shown)
    await turn.say(
        t(
            "🏅 <b>Your badges</b>, newest first ({count}). Only you see them until you share one.",
            count=len(wall),
        ),
        edit=False,
    )
    for badge in shown:
        markup = InlineKeyboardMarkup(
            [
                [
                    share_button(t, badge),
                    InlineKeyboardButton(
                        t("Details"), callback_data=pack(FLOW, "info", turn.user_id, badge.id)
                    ),
                ]
            ]
        )
        await send_card(turn.context, turn.user_id, t, badge, markup)
    if len(wall) > WALL_SHOWN:
        await turn.say(t("…and {count} older ones.", count=len(wall) - WALL_SHOWN), edit=False)


def details_text(t: Translator, turn: Turn, badge: BadgeView) -> str:
    services = turn.context.services
    credential = services.catalog.credentials.get(badge.credential_id)
    earned_on = (badge.earned_on or badge.created_at.date()).isoformat()
    return "\n".join(
        [
            f"<b>{escape(shorten(credential_name(services, badge), 200))}</b>",
            escape(shorten(credential.issuer, 100)) if credential else "",
            t("Earned {date} · {status}", date=earned_on, status=status_text(t, badge)),
            t("Verification code: <code>{code}</code>", code=badge.code),
            escape(verify_link(turn.context.bot.username, badge.code)),
            t("Private until you share it."),
        ]
    )


async def badge_pressed(update: Update, context: ToolboxContext) -> None:
    """Details, Open Badges export, Remove (asked once more), Keep."""
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return
    t, services = turn.t, context.services
    try:
        async with services.sessions.begin() as session:
            badge = await badges.own_badge(session, turn.user_id, int(data.arg))
            if data.action == "revoke":
                await badges.revoke(session, services.clock, turn.user_id, badge.id)
    except (BadgeNotFound, ValueError):
        await turn.say(t("That badge is no longer there."), edit=False)
        return
    rows: list[list[Any]]
    if data.action == "revoke":
        await turn.say(
            t(
                "Removed. It is gone from your wall, crew boards and verification. Your "
                "/earned record stays."
            )
        )
    elif data.action == "export":
        await send_open_badge(turn, badge)
    elif data.action == "remove":
        rows = [[(t("Yes, remove it"), FLOW, "revoke", badge.id)],
                [(t("Keep it"), FLOW, "info", badge.id)]]  # fmt: skip
        await turn.say(
            t("Remove this badge? Anyone checking its code will be told no such badge exists."),
            turn.keyboard(rows),
        )
    else:  # info
        rows = [
            [(t("Attach certificate"), FLOW, "proof", badge.id)],
            [(t("Open Badges file"), FLOW, "export", badge.id)],
            [(t("Remove badge"), FLOW, "remove", badge.id)],
        ]
        # The wall's message is a photo: the details come as a new message under it.
        photo = update.callback_query and update.callback_query.message
        edit = not (photo and getattr(photo, "photo", None))
        await turn.say(details_text(t, turn, badge), turn.keyboard(rows), edit=edit)


async def send_open_badge(turn: Turn, badge: BadgeView) -> None:
    t, services = turn.t, turn.context.services
    credential = services.catalog.credentials.get(badge.credential_id)
    username = turn.context.bot.username
    document = badges.open_badge(
        badge,
        name=credential_name(services, badge),
        issuer=credential.issuer if credential else "",
        description=description(t, credential) if credential else "",
        source_url=str(credential.source_url) if credential else verify_link(username, badge.code),
        verify_url=verify_link(username, badge.code),
        bot_url=f"https://t.me/{username}",
    )
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode()
    await turn.context.bot.send_document(
        turn.user_id,
        InputFile(payload, filename=f"badge-{badge.code}.json"),
        caption=t(
            "Open Badges 3.0 file. It is unsigned and self-asserted: it records what you "
            "told me, not a credential signed by the issuer."
        ),
    )


# ---------------------------------------------------------------- evidence ---------


async def proof_asked(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None or not data.arg.isdigit():
        return ConversationHandler.END
    context.user_data[PROOF_BADGE] = int(data.arg)
    await turn.say(
        turn.t(
            "Send a photo or a PDF of your certificate. I keep only Telegram's reference "
            "to it, never a copy. /cancel to stop."
        ),
        edit=False,
    )
    return PROOF


async def proof_sent(update: Update, context: ToolboxContext) -> str | int:
    turn = await begin_turn(update, context)
    message = update.message
    badge_id = context.user_data.pop(PROOF_BADGE, None)
    if message is None or badge_id is None:
        return ConversationHandler.END
    if message.photo:
        file_id, kind = message.photo[-1].file_id, "photo"
    else:
        assert message.document is not None  # the filter lets only photos and PDFs in
        file_id, kind = message.document.file_id, "pdf"
    services = context.services
    try:
        async with services.sessions.begin() as session:
            await badges.attach_evidence(session, turn.user_id, badge_id, file_id, kind)
    except BadgeNotFound:
        await turn.say(turn.t("That badge is no longer there."), edit=False)
        return ConversationHandler.END
    await turn.say(turn.t("✓ Evidence attached. Your card now says so: /badges"), edit=False)
    return ConversationHandler.END


async def proof_expected(update: Update, context: ToolboxContext) -> str:
    turn = await begin_turn(update, context)
    await turn.say(
        turn.t("I need a photo or a PDF of the certificate. /cancel to stop."), edit=False
    )
    return PROOF


async def proof_cancelled(update: Update, context: ToolboxContext) -> int:
    turn = await begin_turn(update, context)
    context.user_data.pop(PROOF_BADGE, None)
    await turn.say(turn.t("OK, no evidence attached."), edit=False)
    return ConversationHandler.END


def build_proof() -> ConversationHandler:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    files = private & (filters.PHOTO | filters.Document.PDF)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message=False on purpose
        return ConversationHandler(
            name="badge_proof",
            persistent=True,
            entry_points=[CallbackQueryHandler(proof_asked, pattern=for_action(FLOW, "proof"))],
            states={
                PROOF: [
                    MessageHandler(files, proof_sent),
                    MessageHandler(private & ~filters.COMMAND, proof_expected),
                ]
            },
            fallbacks=[CommandHandler("cancel", proof_cancelled)],
            allow_reentry=True,
        )


# ---------------------------------------------------------------- inline mode -------


async def inline_query(update: Update, context: ToolboxContext) -> None:
    """The worker's own badges as photos: `is_personal`, so Telegram never serves one
    worker's badges to another from its cache."""
    query = update.inline_query
    if query is None:
        return
    turn = await begin_turn(update, context)
    match = INLINE_QUERY.match(query.query)
    wanted = badges.normalize_code(match["code"]) if match and match["code"] else ""
    async with context.services.sessions() as session:
        wall = await badges.wall(session, turn.user_id, limit=INLINE_SHOWN)
    results = [
        InlineQueryResultCachedPhoto(
            id=f"badge{badge.id}",
            photo_file_id=badge.card_file_id,
            title=shorten(credential_name(context.services, badge), 60),
            caption=caption(turn.t, context.services, badge),
        )
        for badge in wall
        if badge.card_file_id and (not wanted or badge.code == wanted)
    ]
    # A card is uploaded the first time /badges shows it: until then, point there.
    button = (
        None
        if results
        else InlineQueryResultsButton(text=turn.t("Open my badges"), start_parameter="badges")
    )
    await query.answer(results, cache_time=10, is_personal=True, button=button)


def is_badge_query(text: str) -> bool:
    return bool(INLINE_QUERY.match(text))


# ---------------------------------------------------------------- in a group -------


async def congratulate(
    context: ToolboxContext, chat_id: int, t: Translator, badge: BadgeView
) -> None:
    """One line in the group, the first time a badge is posted anywhere."""
    services = context.services
    async with services.sessions.begin() as session:
        first = await badges.congratulate_once(session, services.clock, badge.id)
    if first:
        await context.bot.send_message(
            chat_id,
            t(
                "🎉 Congratulations, {holder}, on {credential}!",
                holder=escape(badge.holder),
                credential=escape(shorten(credential_name(services, badge), 80)),
            ),
        )


CAPTION_CODE = re.compile(r"/verify ([A-Z0-9]{10})\b")


async def posted_via_inline(update: Update, context: ToolboxContext) -> None:
    """A badge the worker dropped into a group through inline mode: well done, once."""
    message = update.message
    if message is None or message.via_bot is None or message.via_bot.id != context.bot.id:
        return
    match = CAPTION_CODE.search(message.caption or "")
    if match is None or message.from_user is None:
        return
    turn = await begin_turn(update, context)
    async with context.services.sessions() as session:
        badge = await badges.by_code(session, match[1])
    if badge is not None and badge.user_id == message.from_user.id:
        await congratulate(context, message.chat_id, turn.t, badge)


ORDER = 24  # among the flows: see handlers/__init__.py
MENU = (("badges", N_("Your badges, to share with your crew")),)


def handlers() -> list:  # type: ignore[type-arg]
    groups = filters.ChatType.GROUPS
    return [
        CommandHandler("badges", badges_command),
        build_proof(),
        CallbackQueryHandler(badge_pressed, pattern=for_flow(FLOW)),
        InlineQueryHandler(inline_query, pattern=INLINE_QUERY),
        MessageHandler(
            groups & filters.PHOTO & filters.CaptionRegex(CAPTION_CODE), posted_via_inline
        ),
    ]
