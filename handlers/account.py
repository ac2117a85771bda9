"""The worker's own settings: /profile (each answer changeable on its own), /language,
/help and /cancel outside any flow.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler

from bot.callbacks import Flow, for_flow
from bot.i18n import available_languages, translator
from bot.runtime import ToolboxContext
from bot.services import profiles
from bot.services.users import choose_language, mark_blocked, touch_user
from handlers.chat import Turn, begin_turn, escape, shorten
from handlers.choices import DELIVERY, EXPERIENCE, GOALS, label_for, place_name, trade_name
from handlers.groups import private_only

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


async def show_profile(turn: Turn, note: str = "") -> None:
    t = turn.t
    services = turn.context.services
    catalog = services.catalog
    async with services.sessions() as session:
        view = await profiles.load_profile(session, turn.user_id)
    unset = t("not set")
    goals = ", ".join(label_for(GOALS, g, t) for g in view.goals) or unset
    held = (
        ", ".join(catalog.credentials[c].name for c in view.holds if c in catalog.credentials)
        or unset
    )
    budget = (
        unset
        if view.budget_usd is None
        else t("Free only")
        if view.budget_usd == 0
        else f"${view.budget_usd:,}"
    )
    rows_text = [
        (t("Trade"), trade_name(catalog, view.trade, t), "trade"),
        (t("Experience"), label_for(EXPERIENCE, view.experience, t), "exp"),
        (t("Goals"), goals, "goals"),
        (t("In your words"), shorten(view.about or unset, 60), "about"),
        (t("You hold"), shorten(held, 80), "holds"),
        (
            t("Hours a week"),
            str(view.weekly_hours) if view.weekly_hours is not None else unset,
            "hours",
        ),
        (t("Budget"), budget, "budget"),
        (t("Online or in person"), label_for(DELIVERY, view.delivery, t), "deliv"),
        (t("Region"), place_name(view.region, t), "region"),
    ]
    lines = [f"{note}\n" if note else "", t("<b>Your profile</b>")]
    lines += [f"• {escape(label)}: {escape(value)}" for label, value, _ in rows_text]
    lines.append(t("Timezone: {tz}", tz=escape(view.timezone or unset)))
    lines.append(t("Tap what you want to change."))
    buttons = [(label, Flow.ONBOARDING, "edit", step) for label, _, step in rows_text]
    keyboard = turn.keyboard([buttons[i : i + 3] for i in range(0, len(buttons), 3)])
    await turn.say("\n".join(line for line in lines if line), keyboard, edit=False)


async def profile_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "profile"):
        await show_profile(turn)


async def language_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if not await private_only(turn, "language"):
        return
    rows = [
        [
            (LANGUAGE_NAMES.get(code, code), Flow.LANGUAGE, "set", code)
            for code in available_languages()
        ]
    ]
    await turn.say(turn.t("Which language do you prefer?"), turn.keyboard(rows), edit=False)


async def language_chosen(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    data = await turn.button(ack=False)
    if data is None:
        return
    if data.arg not in available_languages():
        await turn.toast(turn.t("That button is no longer valid."))
        return
    services = context.services
    async with services.sessions.begin() as session:
        language = await choose_language(session, services.clock, turn.user_id, data.arg)
    turn.t = translator(language)
    await turn.toast()
    await turn.say(turn.t("Done: I'll speak English with you."))


async def help_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    t = turn.t
    await turn.say(
        "\n".join(
            [
                t("<b>Toolbox</b> finds short credentials that prove your skills."),
                "",
                t("/start: set up your profile (a few taps)"),
                t("/recommend: the three credentials worth your time"),
                t("/find welding: search the catalog"),
                t("/profile: see and change your answers"),
                t("/language: English or Spanish"),
                t("/cancel: stop what we are doing"),
                "",
                t(
                    "In any chat, type @{bot} and a word to share a credential.",
                    bot=escape(context.bot.username),
                ),
            ]
        ),
        edit=False,
    )


async def cancel_outside(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    await turn.say(turn.t("Nothing to stop. /help shows what I can do."), edit=False)


async def membership_changed(update: Update, context: ToolboxContext) -> None:
    """A worker blocked (or unblocked) the bot: stop or resume writing to them."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
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


def handlers() -> list:  # type: ignore[type-arg]
    return [
        ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        CommandHandler("profile", profile_command),
        CommandHandler("language", language_command),
        CommandHandler("help", help_command),
        CommandHandler("cancel", cancel_outside),
        CallbackQueryHandler(language_chosen, pattern=for_flow(Flow.LANGUAGE)),
    ]
