"""`/crew` and `/share` in a group chat: the crew board and posting a badge.

`/crew` lists the members who opted in to this group's board (`/crew join` or the Join
button; `/crew leave` any time) with their recent badges and weekly study streak. Nothing
else about anyone reaches the group: no goals, budget, region or plans. `/share` posts the
sender's latest badge card; `/share pick` sends them a private list to choose from.

Try it: add the bot to a group, send /crew join, then /share.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import BadCallback, Flow, for_action, pack, parse
from bot.i18n import N_, Np_
from bot.runtime import ToolboxContext
from bot.services import badges
from bot.services.badges import BadgeNotFound
from handlers.badges import congratulate, credential_name, send_card
from handlers.chat import PHONE_SCREEN, Turn, begin_turn, escape, shorten

FLOW = Flow.CREW
STREAK = Np_("🔥 {n}-week study streak", "🔥 {n}-week study streak")
ANYONE = 0  # owner of the board's Join/Leave buttons: any member may press them


def _board_buttons(turn: Turn) -> InlineKeyboardMarkup:
    # Every member of the group may press these, so they carry no owner (see ANYONE).
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(turn.t("Join"), callback_data=pack(FLOW, "join", ANYONE)),
                InlineKeyboardButton(turn.t("Leave"), callback_data=pack(FLOW, "leave", ANYONE)),
            ]
        ]
    )


async def board_text(turn: Turn, chat_id: int) -> str:
    t, services = turn.t, turn.context.services
    async with services.sessions() as session:
        board = await badges.crew_board(session, services.clock, chat_id)
    if not board:
        return t(
            "Nobody has joined this crew board yet. Members who join show their first name, "
            "recent badges and weekly study streak here, and nothing else. Tap Join to add "
            "yours."
        )
    lines = [t("<b>Crew board</b> · only members who joined")]
    footer = t("/crew join or /crew leave")
    for shown_count, member in enumerate(board):
        shown = [
            shorten(
                services.catalog.credentials[c].name if c in services.catalog.credentials else c,
                40,
            )
            for c in member.badges
        ]
        streak = (
            t.plural(*STREAK, member.streak_weeks)
            if member.streak_weeks
            else t("no study logged this week")
        )
        badge_list = ", ".join(escape(name) for name in shown) or t("no badges yet")
        line = f"• <b>{escape(shorten(member.first_name, 30))}</b> — {streak} — {badge_list}"
        if len("\n".join([*lines, line, footer])) > PHONE_SCREEN - 120:  # a note, "…and N"
            lines.append(t("…and {count} more.", count=len(board) - shown_count))
            break
        lines.append(line)
    lines.append(footer)
    return "\n".join(lines)


async def crew_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    chat = update.effective_chat
    if turn.is_private or chat is None:
        await turn.say(
            turn.t("Send /crew in your crew's group chat to see or join its board."), edit=False
        )
        return
    action = (context.args or [""])[0].lower()
    note = ""
    if action in ("join", "leave"):
        note = await _join_or_leave(turn, chat.id, chat.title or "", action) + "\n\n"
    text = note + await board_text(turn, chat.id)
    await turn.say(text, _board_buttons(turn), edit=False)


async def _join_or_leave(turn: Turn, chat_id: int, title: str, action: str) -> str:
    services, t = turn.context.services, turn.t
    user = turn.update.effective_user
    name = escape(user.first_name if user else "")
    async with services.sessions.begin() as session:
        if action == "join":
            changed = await badges.join_crew(session, services.clock, chat_id, turn.user_id, title)
        else:
            changed = await badges.leave_crew(session, chat_id, turn.user_id)
    if action == "join":
        note = (
            t("{name} joined the crew board.", name=name)
            if changed
            else t("{name}, you're already on the board.", name=name)
        )
    else:
        note = (
            t("{name} left the crew board.", name=name)
            if changed
            else t("{name}, you weren't on the board.", name=name)
        )
    return note


async def crew_pressed(update: Update, context: ToolboxContext) -> None:
    """Join or Leave under a board: any member, for themselves; the board is redrawn."""
    turn = await begin_turn(update, context)
    query = update.callback_query
    chat = update.effective_chat
    try:
        data = parse(query.data if query else None, ANYONE)
    except BadCallback:
        await turn.toast(turn.t("That button is no longer valid."))
        return
    if chat is None or turn.is_private:
        await turn.toast()
        return
    note = await _join_or_leave(turn, chat.id, chat.title or "", data.action)
    await turn.toast(note.replace("<b>", "").replace("</b>", ""))
    await turn.say(await board_text(turn, chat.id), _board_buttons(turn))


# ---------------------------------------------------------------- /share -----------


async def share_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    chat = update.effective_chat
    if turn.is_private or chat is None:
        await turn.say(
            t("In here, open /badges and tap Share. In a group, /share posts your latest badge."),
            edit=False,
        )
        return
    async with context.services.sessions() as session:
        wall = await badges.wall(session, turn.user_id)
    if not wall:
        await turn.say(
            t("You have no badges yet. Record a credential with me in private: /earned."),
            edit=False,
        )
        return
    if (context.args or [""])[0].lower() == "pick":
        await _offer_pick(turn, chat.id, chat.title or "", wall)
        return
    await send_card(context, chat.id, t, wall[0])
    await congratulate(context, chat.id, t, wall[0])


async def _offer_pick(turn: Turn, chat_id: int, title: str, wall: list[badges.BadgeView]) -> None:
    """The worker's badges in a private message, each a button that posts it here."""
    t, services = turn.t, turn.context.services
    rows = [
        [(shorten(credential_name(services, b), 40), FLOW, "post", f"{b.id}:{chat_id}")]
        for b in wall[:8]
    ]
    try:
        await turn.context.bot.send_message(
            turn.user_id,
            t("Which badge should I post in {group}?", group=escape(shorten(title, 60))),
            reply_markup=turn.keyboard(rows),
        )
    except Forbidden:
        await turn.say(
            t("Start a private chat with me first, then send /share pick again."), edit=False
        )
        return
    await turn.say(t("I sent you your badges in a private message."), edit=False)


async def post_pressed(update: Update, context: ToolboxContext) -> None:
    """A badge picked in private: post it in the group it was asked for."""
    turn = await begin_turn(update, context)
    data = await turn.button()
    if data is None:
        return
    badge_text, _, chat_text = data.arg.partition(":")
    try:
        async with context.services.sessions() as session:
            badge = await badges.own_badge(session, turn.user_id, int(badge_text))
        chat_id = int(chat_text)
    except (BadgeNotFound, ValueError):
        await turn.say(turn.t("That badge is no longer there."), edit=False)
        return
    try:
        await send_card(context, chat_id, turn.t, badge)
    except (BadRequest, Forbidden):
        await turn.say(turn.t("I can't post in that group any more."), edit=False)
        return
    await congratulate(context, chat_id, turn.t, badge)
    await turn.say(turn.t("✓ Posted in the group."))


ORDER = 41  # among the flows: see handlers/__init__.py
MENU = (
    ("crew", N_("In a group: the crew board")),
    ("share", N_("In a group: post your latest badge")),
)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("crew", crew_command),
        CommandHandler("share", share_command),
        CallbackQueryHandler(crew_pressed, pattern=for_action(FLOW, "join", "leave")),
        CallbackQueryHandler(post_pressed, pattern=for_action(FLOW, "post")),
    ]
