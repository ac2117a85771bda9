"""The Bot API emulator, driven through PTB's real HTTP stack (no mocks).

Each test is a small story: the bot (a real ``telegram.Bot`` or a minimal ``Application``)
talks HTTP to the emulator on 127.0.0.1, and an emulated user talks to the bot. Telegram's
errors must come out of PTB as the same exception classes with Telegram's own wording.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    SwitchInlineQueryChosenChat,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.warnings import PTBDeprecationWarning

from bot.request import AiohttpRequest
from emulator import BotApiEmulator, EmulatedUser, NoReplyError
from emulator.formatting import format_text, parse_html
from emulator.media import tiny_png

TOKEN = "123456:TEST"
BOT_USERNAME = "toolbox_test_bot"


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME) as emulator:
        yield emulator


@pytest.fixture(params=["httpx", "aiohttp"])
async def bot(emu: BotApiEmulator, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """PTB's own HTTP client, and the bot's (bot/request.py): the same answers through both."""
    clients: dict[str, AiohttpRequest] = {}
    if request.param == "aiohttp":
        clients = {"request": AiohttpRequest(), "get_updates_request": AiohttpRequest()}
    async with Bot(TOKEN, base_url=emu.api_url, base_file_url=emu.file_url, **clients) as real_bot:
        yield real_bot


@pytest.fixture
async def alice(emu: BotApiEmulator) -> EmulatedUser:
    """Alice has opened the bot and pressed Start, so the bot may write to her."""
    user = emu.user(1001, "Alice", language_code="en")
    await user.start()
    return user


async def bad_request_message(call) -> str:  # type: ignore[no-untyped-def]
    """PTB's rendering of the BadRequest a Bot call raises ("Bad Request: " cut, capitalized)."""
    with pytest.raises(BadRequest) as caught:
        await call
    return caught.value.message


# Identity, tokens, unknown methods ---------------------------------------------------------


async def test_get_me_reports_the_emulated_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, BOT_USERNAME, True)


async def test_a_wrong_token_is_unauthorized(emu: BotApiEmulator) -> None:
    stranger = Bot("123456:WRONG", base_url=emu.api_url)
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await stranger.get_me()
    assert emu.calls[-1].error.error_code == 401


async def test_an_unknown_method_is_not_found(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert emu.calls[-1].description == "Not Found"


# Messages both ways ------------------------------------------------------------------------


async def test_bot_html_message_reaches_the_user_with_entities(
    bot: Bot, alice: EmulatedUser
) -> None:
    sent = await bot.send_message(
        alice.id, "<b>Welcome</b> to Toolbox &amp; friends 🔧 <i>ok</i>", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Welcome to Toolbox & friends 🔧 ok"
    assert sent.from_user.username == BOT_USERNAME
    assert alice.last.text == sent.text
    # The wrench is two UTF-16 units, so "ok" starts at 32, not 31.
    assert [(e["type"], e["offset"], e["length"]) for e in alice.last.entities] == [
        ("bold", 0, 7),
        ("italic", 32, 2),
    ]
    assert (await bot.get_chat(alice.id)).first_name == "Alice"


async def test_long_polling_returns_as_soon_as_the_user_writes(
    bot: Bot, emu: BotApiEmulator
) -> None:
    bob = emu.user(1002, "Bob")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await bob.send("/start")
    updates = await poll
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in updates] == ["/start"]
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[0].message.from_user.id == bob.id

    # The offset confirms it: nothing is delivered twice.
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    await bob.send("where am I?")
    again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in again] == ["where am I?"]


async def test_the_bot_cannot_write_first_to_a_user_who_never_started_it(
    bot: Bot, emu: BotApiEmulator
) -> None:
    carol = emu.user(1003, "Carol")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(carol.id, "hello")


# Telegram's errors, as PTB exceptions ------------------------------------------------------


async def test_text_limits_apply_after_entity_parsing(bot: Bot, alice: EmulatedUser) -> None:
    exactly_full = "<b>" + "x" * 4096 + "</b>"
    assert len((await bot.send_message(alice.id, exactly_full, parse_mode="HTML")).text) == 4096
    too_long = bot.send_message(alice.id, "x" * 4097)
    assert await bad_request_message(too_long) == "Message is too long"
    assert await bad_request_message(bot.send_message(alice.id, "   ")) == "Message text is empty"


@pytest.mark.parametrize(
    ("html", "telegram_says"),
    [
        ("<b>open", 'can\'t find end tag corresponding to start tag "b"'),
        ("<foo>x</foo>", 'unsupported start tag "foo" at byte offset 0'),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ('<a href=x"y>z</a>', "unexpected end of name token at byte offset 8"),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ],
)
async def test_unparsable_html_is_refused_in_telegrams_words(
    bot: Bot, alice: EmulatedUser, html: str, telegram_says: str
) -> None:
    message = await bad_request_message(bot.send_message(alice.id, html, parse_mode="HTML"))
    assert message == f"Can't parse entities: {telegram_says}"


async def test_markdown_v2_requires_escaping_reserved_characters(
    bot: Bot, alice: EmulatedUser
) -> None:
    message = await bad_request_message(
        bot.send_message(alice.id, "Done.", parse_mode="MarkdownV2")
    )
    assert message == (
        "Can't parse entities: character '.' is reserved and must be escaped with the "
        "preceding '\\'"
    )
    sent = await bot.send_message(alice.id, "*Done*\\.", parse_mode="MarkdownV2")
    assert (sent.text, sent.entities[0].type) == ("Done.", "bold")


async def test_keyboard_limits(bot: Bot, alice: EmulatedUser) -> None:
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])
    assert (
        await bad_request_message(bot.send_message(alice.id, "pick", reply_markup=long_data))
        == "Button_data_invalid"
    )
    crowded = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    )
    assert (
        await bad_request_message(bot.send_message(alice.id, "pick", reply_markup=crowded))
        == "Reply markup is too long"
    )


async def test_edit_and_delete_errors(bot: Bot, alice: EmulatedUser) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(alice.id, "Sure?", reply_markup=keyboard)

    same = bot.edit_message_text("Sure?", alice.id, sent.message_id, reply_markup=keyboard)
    assert (await bad_request_message(same)).startswith("Message is not modified: specified new")
    edited = await bot.edit_message_text("Sure!", alice.id, sent.message_id)
    assert edited.edit_date is not None and edited.reply_markup is None
    assert alice.last.text == "Sure!" and alice.last.edited and alice.last.buttons == []

    assert (
        await bad_request_message(bot.edit_message_text("x", alice.id, 9999))
        == "Message to edit not found"
    )
    assert (
        await bad_request_message(
            bot.edit_message_reply_markup(alice.id, 9999, reply_markup=keyboard)
        )
        == "Message to edit not found"
    )
    assert await bot.delete_message(alice.id, sent.message_id) is True
    assert alice.messages[-1].deleted
    assert (
        await bad_request_message(bot.delete_message(alice.id, sent.message_id))
        == "Message to delete not found"
    )


async def test_chat_not_found_and_stale_queries(bot: Bot) -> None:
    assert await bad_request_message(bot.send_message(424242, "hi")) == "Chat not found"
    assert await bad_request_message(bot.answer_callback_query("nope")) == (
        "Query is too old and response timeout expired or query id is invalid"
    )


async def test_a_user_who_blocked_the_bot_is_forbidden(bot: Bot, alice: EmulatedUser) -> None:
    await alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "still there?")
    await alice.unblock()
    await bot.send_message(alice.id, "welcome back")
    kinds = [u.my_chat_member.new_chat_member.status for u in await bot.get_updates()
             if u.my_chat_member]  # fmt: skip
    assert kinds == ["kicked", "member"]


async def test_flood_control_answers_429_with_retry_after(
    bot: Bot, emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    emu.flood_control = True
    await bot.send_message(alice.id, "one")
    with pytest.raises(RetryAfter) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        await bot.send_message(alice.id, "two")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = caught.value.retry_after
    assert retry_after in (1, timedelta(seconds=1))
    assert emu.calls[-1].description == "Too Many Requests: retry after 1"
    # Another chat is not throttled by Alice's window.
    bob = emu.user(1002, "Bob")
    await bob.start()
    await bot.send_message(bob.id, "hi Bob")


async def test_get_updates_conflicts_with_an_active_webhook(bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


# Webhooks, files, inline mode --------------------------------------------------------------


async def test_webhook_delivery_posts_with_the_secret_header(
    bot: Bot, emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    received: asyncio.Queue[tuple[str | None, dict]] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        await bot.set_webhook(url, secret_token="s3cret", drop_pending_updates=True)
        assert (await bot.get_webhook_info()).url == url
        await alice.send("hello over webhook")
        secret, update = await asyncio.wait_for(received.get(), 2)
        assert secret == "s3cret"
        assert Update.de_json(update, bot).message.text == "hello over webhook"
        assert (await bot.get_webhook_info()).pending_update_count == 0

        await bot.delete_webhook()
        await alice.send("back to polling")
        assert [u.message.text for u in await bot.get_updates()] == ["back to polling"]
        assert received.empty()
    finally:
        await runner.cleanup()


async def test_photo_upload_file_id_reuse_and_download(bot: Bot, alice: EmulatedUser) -> None:
    png = tiny_png(200, 100)
    sent = await bot.send_photo(alice.id, photo=png, caption="<b>Badge</b>", parse_mode="HTML")
    biggest = sent.photo[-1]
    assert (biggest.width, biggest.height, sent.caption) == (200, 100, "Badge")
    again = await bot.send_photo(alice.id, photo=biggest.file_id)
    assert again.photo[-1].file_id == biggest.file_id
    downloaded = await (await bot.get_file(biggest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == png
    assert alice.last.photo[-1]["file_id"] == biggest.file_id

    await alice.send_photo(caption="my certificate")
    updates = await bot.get_updates()
    photo = updates[-1].message.photo[-1]
    assert (await (await bot.get_file(photo.file_id)).download_as_bytearray())[:4] == b"\x89PNG"


async def test_inline_query_results_are_visible_to_the_user(
    bot: Bot, emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    (start,) = await bot.get_updates()
    ask = asyncio.create_task(alice.inline_query("welding"))
    (update,) = await bot.get_updates(offset=start.update_id + 1, timeout=2)
    assert update.inline_query.query == "welding"
    await update.inline_query.answer(
        [
            InlineQueryResultArticle(
                "aws-cw", "AWS Certified Welder", InputTextMessageContent("<b>AWS CW</b>", "HTML")
            )
        ]
    )
    results = await ask
    assert [(r["id"], r["title"]) for r in results] == [("aws-cw", "AWS Certified Welder")]

    posted = await alice.choose_inline_result("aws-cw", chat=alice)
    assert posted["via_bot"]["username"] == BOT_USERNAME and posted["text"] == "AWS CW"
    kinds = [next(k for k in u if k != "update_id") for u in emu.updates[-2:]]
    assert kinds == ["chosen_inline_result", "message"]


async def test_chosen_chat_share_button_sends_a_cached_photo_with_its_caption(
    bot: Bot, emu: BotApiEmulator, alice: EmulatedUser
) -> None:
    """Share button → chat picker → inline query pre-filled → photo posted in the group."""
    crew = emu.group(-1500, "Crew")
    sent = await bot.send_photo(
        alice.id,
        photo=tiny_png(20, 20),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "Share",
                        switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat(
                            query="badge X", allow_group_chats=True
                        ),
                    )
                ]
            ]
        ),
    )
    with pytest.raises(ValueError, match="does not allow"):
        await alice.share_to("Share", alice)  # user chats were not allowed
    (start,) = await bot.get_updates()
    ask = asyncio.create_task(alice.share_to("Share", crew))
    (update,) = await bot.get_updates(offset=start.update_id + 1, timeout=2)
    assert (update.inline_query.query, update.inline_query.chat_type) == ("badge X", "group")
    wrong = InlineQueryResultCachedPhoto("p0", photo_file_id="no-such-file")
    refused = await bad_request_message(update.inline_query.answer([wrong]))
    assert refused == "Wrong file identifier/http url specified"
    photo = InlineQueryResultCachedPhoto(
        "p1",
        photo_file_id=sent.photo[-1].file_id,
        caption="<b>Alice</b> earned it",
        parse_mode="HTML",
    )
    await update.inline_query.answer([photo], is_personal=True)
    assert [r["id"] for r in await ask] == ["p1"]
    posted = await alice.choose_inline_result("p1", chat=crew)
    assert posted is not None and posted["caption"] == "Alice earned it"
    assert posted["photo"][-1]["file_id"] == sent.photo[-1].file_id


# A whole PTB Application -------------------------------------------------------------------


async def test_application_start_press_edit_story(emu: BotApiEmulator) -> None:
    """A worker says /start, gets a trade picker, picks Electrician, sees the message change."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Electrician", callback_data="v1:trade:electrician")],
             [InlineKeyboardButton("Welder", callback_data="v1:trade:welder")]]
        )  # fmt: skip
        await update.effective_message.reply_text("Which trade?", reply_markup=keyboard)

    async def trade_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Saved")
        trade = query.data.rsplit(":", 1)[1]
        await query.edit_message_text(f"<b>{trade.title()}</b> it is.", parse_mode="HTML")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.api_url)
        .base_file_url(emu.file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(trade_chosen, pattern=r"^v1:trade:"))
    emu.flood_control = True
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        alice = emu.user(1001, "Alice")
        await alice.send("/start")
        started = time.monotonic()
        (picker,) = await alice.wait_for_reply()
        assert time.monotonic() - started < 1.0
        assert picker.text == "Which trade?"
        assert picker.buttons == [["Electrician"], ["Welder"]]

        await alice.press("Electrician")
        (edited,) = await alice.wait_for_reply()
        assert edited.message_id == picker.message_id and edited.edited
        assert edited.text == "Electrician it is." and edited.entities[0]["type"] == "bold"
        assert alice.answers == ["Saved"]

        crew = emu.group(-2001, "Crew chat")
        assert await crew.send(alice, "anyone here?") is None  # privacy mode hides it
        await crew.send(alice, f"/start@{BOT_USERNAME}")
        (group_picker,) = await crew.wait_for_reply()
        assert group_picker.text == "Which trade?"

        await alice.press_data("v1:forged")  # no handler matches: the bot stays silent
        await alice.assert_no_reply(within=0.2)
        with pytest.raises(NoReplyError, match="no reply in chat 1001"):
            await alice.wait_for_reply(timeout=0.2)
        assert not [call for call in emu.errors if call.method != "getUpdates"]
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_bot_with_aioratelimiter_rides_out_flood_control(emu: BotApiEmulator) -> None:
    """Two messages in a row hit the 1-per-second limit; PTB waits and the user gets both."""

    async def checklist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Step 1: book the exam")
        await update.effective_message.reply_text("Step 2: bring your ID")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.api_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .build()
    )
    application.add_handler(CommandHandler("checklist", checklist))
    emu.flood_control = True
    seen: list[str] = []
    emu.on_bot_event(lambda event: seen.append(f"{event.kind} {event.message.text}"))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        dana = emu.user(1004, "Dana")
        await dana.send("/checklist")
        replies = await dana.wait_for_reply()
        assert [m.text for m in replies] == ["Step 1: book the exam", "Step 2: bring your ID"]
        assert [c.ok for c in emu.calls_to("sendMessage")] == [True, False, True]
        assert seen == ["sent Step 1: book the exam", "sent Step 2: bring your ID"]
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


# The parser itself, without a bot ----------------------------------------------------------


def test_html_pre_with_language_becomes_one_pre_entity() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert (text, entities) == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )


def test_plain_ampersands_and_surrounding_whitespace_follow_telegram() -> None:
    # tdlib keeps an "&" that starts no entity, and trims the text around the entities.
    assert format_text("\n  AT&T <i>rocks</i>  \n", "HTML") == (
        "AT&T rocks",
        [{"type": "italic", "offset": 5, "length": 5}],
    )


def test_html_follows_current_telegram_rules_for_attributes_and_links() -> None:
    text, entities = parse_html(
        "<blockquote expandable>Tip</blockquote> <a href=osha.gov>OSHA</a> <a href=x>bad</a>"
    )
    assert text == "Tip OSHA bad"
    assert [(e["type"], e.get("url")) for e in entities] == [
        ("expandable_blockquote", None),
        ("text_link", "http://osha.gov/"),
    ]
