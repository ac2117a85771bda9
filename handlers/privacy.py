"""`/privacy`, `/export` and `/delete`: what is stored and why, a copy, and erasure.

Try it: /privacy explains; /export sends a JSON file of every row stored about you;
/delete asks once ("Yes, erase everything" / "No, keep it"), then erases those rows in
every table (bot/services/privacy.py finds them from the schema) and forgets what this
process holds in memory, so nothing is written back afterwards.
"""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import Flow, for_flow
from bot.i18n import N_
from bot.runtime import ToolboxContext
from bot.services import privacy
from handlers.chat import Turn, begin_turn, private_only

log = logging.getLogger(__name__)

FLOW = Flow.PRIVACY
EXPORT_NAME = "toolbox-my-data.json"


async def privacy_command(update: Update, context: ToolboxContext) -> None:
    await show_privacy(await begin_turn(update, context))


async def show_privacy(turn: Turn) -> None:
    t = turn.t
    await turn.say(
        "\n".join(
            [
                t("<b>What I keep about you, and why</b>"),
                t("• Your Telegram id, first name and language: to know it is you."),
                t("• Your profile answers (trade, goals, hours, budget, place): to pick "
                  "credentials that fit you."),
                t("• Your plans, study log, credentials you hold and reminders: to keep "
                  "your progress and nudge you on time."),
                t("• Where we are in a conversation, and your recent messages for two days: "
                  "so nothing is lost if I restart."),
                t("• Groups where you agreed to share badges."),
                "",
                t("I never sell or share it. /export sends you all of it as a file; "
                  "/delete erases all of it."),
            ]
        ),
        edit=False,
    )  # fmt: skip


async def export_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "export"):
        await send_export(turn)


async def send_export(turn: Turn) -> None:
    services = turn.context.services
    async with services.sessions() as session:
        document = await privacy.export_user(session, services.clock, turn.user_id)
    chat = turn.update.effective_chat
    if chat is None:
        return
    await turn.context.bot.send_document(
        chat.id,
        InputFile(privacy.export_json(document), filename=EXPORT_NAME),
        caption=turn.t("Everything I store about you, as a JSON file."),
    )


async def delete_command(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    if await private_only(turn, "delete"):
        await ask_delete(turn)


async def ask_delete(turn: Turn) -> None:
    t = turn.t
    keyboard = turn.keyboard(
        [[(t("Yes, erase everything"), FLOW, "erase", ""), (t("No, keep it"), FLOW, "keep", "")]]
    )
    await turn.say(
        t(
            "This erases your profile, plans, progress, reminders, credentials, badges and "
            "group sharing, for good. Erase everything?"
        ),
        keyboard,
        edit=False,
    )


async def delete_pressed(update: Update, context: ToolboxContext) -> None:
    turn = await begin_turn(update, context)
    pressed = await turn.button()
    if pressed is None:
        return
    if pressed.action == "keep":
        await turn.say(turn.t("Nothing erased. Your data stays as it was."))
        return
    if pressed.action != "erase":
        return
    services = context.services
    async with services.sessions.begin() as session:
        erased = await privacy.delete_user(session, turn.user_id)
    forget_in_memory(context.application, turn.user_id)
    log.info("Erased user data on request (%d rows)", sum(erased.values()))
    await turn.say(
        turn.t(
            "Done: I erased everything I stored about you. If you write again, I start "
            "from scratch."
        )
    )


def forget_in_memory(application: Application, user_id: int) -> None:  # type: ignore[type-arg]
    """Drop what PTB holds for the user, so the next commit does not write it back.

    user_data and the private chat's chat_data have public drops. Conversation states do
    not: PTB keeps them in one tracking dict per persistent conversation, shared with the
    ConversationHandler, and deleting a key there both ends the conversation and tells the
    persistence to delete its row (Application.update_persistence).
    """
    application.drop_user_data(user_id)
    application.drop_chat_data(user_id)  # a private chat's id is the user's id
    conversations = application._conversation_handler_conversations
    for states in conversations.values():
        for key in [key for key in states if user_id in key]:
            del states[key]


ORDER = 52  # among the flows: see handlers/__init__.py
MENU = (
    ("privacy", N_("What I store about you, and why")),
    ("export", N_("Get a copy of your data")),
    ("delete", N_("Erase your data")),
)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CommandHandler("privacy", privacy_command),
        CommandHandler("export", export_command),
        CommandHandler("delete", delete_command),
        CallbackQueryHandler(delete_pressed, pattern=for_flow(FLOW)),
    ]
