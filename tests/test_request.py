"""bot/request.py: the bot's Bot API calls over aiohttp keep PTB's HTTPXRequest contract:
the same answers (text, keyboards, uploads, downloads), TimedOut for a slow answer and a
full pool, NetworkError for a failed connection, PTB's own errors for Telegram's, and a
clean shutdown. All through the emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.ratelimit import retry_after_seconds
from bot.request import AiohttpRequest
from emulator import BotApiEmulator
from emulator.media import tiny_png
from tests.conftest import BOT_USERNAME, TOKEN, Harness


def aiohttp_bot(emulator: BotApiEmulator, **request: float) -> Bot:
    return Bot(
        TOKEN,
        base_url=emulator.api_url,
        base_file_url=emulator.file_url,
        request=AiohttpRequest(**request),  # type: ignore[arg-type]
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=0.5),
    )


def keyboard(label: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


async def test_text_keyboard_and_accents_arrive_as_sent(emulator: BotApiEmulator) -> None:
    ana = emulator.user(4101, "Ana", language_code="es", started=True)
    async with aiohttp_bot(emulator) as bot:
        sent = await bot.send_message(
            ana.id,
            "<b>¿Qué tal?</b> 🔧 &amp; «más»",
            parse_mode="HTML",
            reply_markup=keyboard("Sí, claro", "yes:1"),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        edited = await bot.edit_message_text(
            "Ya está ✔", chat_id=ana.id, message_id=sent.message_id
        )
    assert (sent.text, edited.text) == ("¿Qué tal? 🔧 & «más»", "Ya está ✔")
    call = emulator.calls_to("sendMessage")[-1]
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Sí, claro", "callback_data": "yes:1"}]]
    }
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 9
    assert ana.last.text == "Ya está ✔"


async def test_an_upload_and_its_download_are_byte_for_byte(emulator: BotApiEmulator) -> None:
    ana = emulator.user(4102, "Ana", language_code="es", started=True)
    png = tiny_png(64, 32)
    async with aiohttp_bot(emulator) as bot:
        photo = await bot.send_photo(
            ana.id, photo=png, caption="Insignia — Técnico", reply_markup=keyboard("Ver", "v:1")
        )
        document = await bot.send_document(
            ana.id, document=InputFile(png, filename="insignia técnico.png")
        )
        biggest = photo.photo[-1]
        downloaded = await (await bot.get_file(biggest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == png
    assert (biggest.width, biggest.height, photo.caption) == (64, 32, "Insignia — Técnico")
    assert photo.reply_markup == keyboard("Ver", "v:1")
    assert document.document is not None
    assert document.document.file_name == "insignia técnico.png"
    assert document.document.file_size == len(png)


async def test_an_answer_slower_than_the_read_timeout_times_out(
    emulator: BotApiEmulator,
) -> None:
    ana = emulator.user(4103, "Ana", started=True)
    emulator.faults.slow(1.0, times=2, methods=("sendMessage",))
    async with aiohttp_bot(emulator, read_timeout=0.3) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(ana.id, "too slow for 0.3 s")
        # One call's own read timeout wins over the default: the same delay is waited out.
        sent = await bot.send_message(ana.id, "patient", read_timeout=3)
        assert sent.text == "patient"
        # The long poll's read timeout is PTB's: ours (0.5 s) plus the poll's (1 s).
        assert await bot.get_updates(timeout=1) == ()


async def test_a_full_pool_times_out_without_sending(emulator: BotApiEmulator) -> None:
    ana = emulator.user(4104, "Ana", started=True)
    emulator.faults.slow(1.0, times=1, methods=("sendMessage",))
    loop = asyncio.get_running_loop()
    async with aiohttp_bot(emulator, connection_pool_size=1, pool_timeout=0.2) as bot:
        first = asyncio.create_task(bot.send_message(ana.id, "first"))
        await asyncio.sleep(0.1)  # `first` holds the only connection, the emulator holds it
        started = loop.time()
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(ana.id, "second")
        assert 0.15 < loop.time() - started < 0.8
        assert (await asyncio.wait_for(first, 5)).text == "first"
        # The connection is free again.
        assert (await bot.send_message(ana.id, "third")).text == "third"
    assert [c.params["text"] for c in emulator.calls_to("sendMessage")] == ["first", "third"]


async def test_no_server_is_a_network_error_not_a_timeout() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError, match="ClientConnectorError") as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(caught.value, TimedOut)


async def test_telegrams_errors_come_through_as_ptb_raises_them(
    emulator: BotApiEmulator,
) -> None:
    ana = emulator.user(4105, "Ana", started=True)
    emulator.faults.fail(429, times=1, retry_after=7, methods=("sendMessage",))
    emulator.faults.fail(500, times=1, methods=("sendMessage",))
    async with aiohttp_bot(emulator) as bot:
        with pytest.raises(RetryAfter, match="Flood control exceeded") as flooded:
            await bot.send_message(ana.id, "a")
        assert retry_after_seconds(flooded.value) == 7
        with pytest.raises(NetworkError, match="Internal Server Error") as failed:
            await bot.send_message(ana.id, "b")
        assert not isinstance(failed.value, (TimedOut, BadRequest))
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(424242, "nobody")


async def test_shutdown_closes_and_initialize_opens_again(emulator: BotApiEmulator) -> None:
    request = AiohttpRequest(read_timeout=7)
    assert request.read_timeout == 7
    url = f"{emulator.api_url}{TOKEN}/getMe"
    for _ in range(2):
        async with request:
            assert (await request.post(url))["username"] == BOT_USERNAME  # type: ignore[index]
        with pytest.raises(RuntimeError, match="not initialized"):
            await request.do_request(url, "POST")


async def test_the_bot_sends_and_polls_through_it(harness: Harness) -> None:
    assert harness.running is not None
    assert type(harness.running.application.bot.request) is AiohttpRequest
    worker = harness.emulator.user(4106, "Rae", language_code="en")
    await worker.send("/help")
    assert "/find" in (await worker.wait_for_reply(timeout=10))[-1].text
