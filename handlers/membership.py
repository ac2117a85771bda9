"""A worker blocked (or unblocked) the bot: stop or resume writing to them."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from bot.runtime import ToolboxContext
from bot.services.users import mark_blocked, touch_user


async def membership_changed(update: Update, context: ToolboxContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member is None or change.from_user is None:
        return  # a malformed update: nothing says who or what changed
    services = context.services
    async with services.sessions.begin() as session:
        if change.new_chat_member.status == ChatMember.BANNED:
            await mark_blocked(session, services.clock, change.from_user.id)
        else:
            await touch_user(
                session,
                services.clock,
                change.from_user.id,
                change.from_user.first_name,
                change.from_user.language_code,
                default_tz=services.settings.default_timezone,
            )


ORDER = 0  # among the flows: see handlers/__init__.py


def handlers() -> list:  # type: ignore[type-arg]
    return [ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)]
