"""An offline Telegram Bot API emulator for end-to-end tests and the terminal demo.

The bot talks to it through PTB's real HTTP stack (``base_url`` / ``base_file_url``);
emulated users and groups talk to the bot from the same event loop::

    async with BotApiEmulator(token="123456:TEST") as emu:
        app = (ApplicationBuilder().token(emu.token)
               .base_url(emu.api_url).base_file_url(emu.file_url).build())
        ...
        alice = emu.user(1001, "Alice")
        await alice.send("/start")
        reply = await alice.wait_for_reply()

Modules: ``server`` (HTTP + the BotApiEmulator facade), ``methods`` (the Bot API methods),
``user`` (users, groups, message views), ``state`` (the server's memory), ``formatting``
(HTML / Markdown parsing), ``markup`` (keyboards), ``flood`` (429s), ``media`` (files),
``errors`` (Telegram's error wording), ``faults`` (scripted 429s, 5xx, slow answers).
"""

from emulator.errors import ApiError
from emulator.faults import Faults
from emulator.flood import FloodLimits
from emulator.server import BotApiEmulator
from emulator.state import ApiCall
from emulator.user import BotEvent, ChatMessage, EmulatedGroup, EmulatedUser, NoReplyError

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "BotEvent",
    "ChatMessage",
    "EmulatedGroup",
    "EmulatedUser",
    "Faults",
    "FloodLimits",
    "NoReplyError",
]
