"""`python -m bot demo`: chat with Toolbox in this terminal, offline, with no token.

The Bot API emulator and the bot run in this process; the bot reaches the emulator
through PTB's real HTTP stack, exactly as it would reach Telegram. Buttons print
numbered: type the number to press one. `/time +2h` or `/time +7d` moves the shared
clock forward; `/quit` leaves.
"""

from __future__ import annotations

import asyncio
import getpass
import locale
import os
import re
import sys
from datetime import timedelta

from bot.clock import Clock
from bot.reminders.dispatcher import dispatch_due
from bot.serve import RunningBot, start_bot
from bot.services import reminder_settings
from bot.settings import Settings
from emulator import BotApiEmulator, BotEvent, ChatMessage, EmulatedUser

DEMO_TOKEN = "123456:DEMO-offline"
DEMO_USER_ID = 777000001
BOLD, DIM, CYAN, RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"
TIME_STEP = re.compile(r"^\+?(\d+)\s*([mhdw])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_STOPS = 200  # stops in one /time; a week of one worker's reminders is far fewer
SHOW_EVERY = timedelta(days=8)  # a week of study reminders and its check-in, one by one
LONG_JUMP_KINDS = ("renewal",)


class Screen:
    """Prints what the bot does and remembers which number presses which button."""

    def __init__(self, user: EmulatedUser, color: bool) -> None:
        self.user = user
        self.color = color
        self.numbered: list[tuple[ChatMessage, dict]] = []  # type: ignore[type-arg]

    def paint(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.color else text

    def show(self, event: BotEvent) -> None:
        if event.kind == "answered" and event.toast:
            print(self.paint(DIM, f"  ({event.toast})"))
            return
        if event.kind not in ("sent", "edited") or event.message is None:
            return
        message = event.message
        if message.data.get("chat", {}).get("id") != self.user.chat_id:
            return
        label = "Toolbox (edited)" if event.kind == "edited" else "Toolbox"
        print(self.paint(BOLD + CYAN, f"\n{label}:"))
        print(message.text)
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        for row in rows:
            cells = []
            for button in row:
                if "url" in button:
                    cells.append(f"[{button['text']}: {button['url']}]")
                    continue
                self.numbered.append((message, button))
                cells.append(f"[{len(self.numbered)}] {button['text']}")
            print(self.paint(DIM, "  " + "   ".join(cells)))

    def new_turn(self) -> None:
        """Numbers refer to the buttons printed since the worker's last action."""
        self.numbered = []

    async def press(self, number: int) -> bool:
        if not 1 <= number <= len(self.numbered):
            return False
        message, button = self.numbered[number - 1]
        self.new_turn()
        try:
            await self.user.press(callback_data=button["callback_data"], message=message)
        except LookupError:
            print("(that button is gone: the message changed)")
            return False
        return True


async def run_demo(settings: Settings, database_url: str | None = None) -> None:
    clock = Clock()
    async with BotApiEmulator(
        token=DEMO_TOKEN,
        bot_username="toolbox_demo_bot",
        flood_control=True,
        wall_clock=lambda: clock.now().timestamp(),  # message dates follow /time
    ) as emulator:
        demo_settings = settings.model_copy(
            update={
                "telegram_api_base_url": emulator.api_url,
                "telegram_api_file_url": None,
                "database_url": database_url or settings.database_url,
                "webhook_url": None,
            }
        )
        print("Starting Toolbox offline (migrating the database, loading the catalog)...")
        running = await start_bot(demo_settings, DEMO_TOKEN, clock, poll_timeout=1)
        try:
            await _chat(emulator, running, clock)
        finally:
            await running.stop()


def _user_language() -> str:
    code = os.environ.get("LANG") or (locale.getlocale()[0] or "en")
    return code.split(".")[0].replace("_", "-") or "en"


async def _chat(emulator: BotApiEmulator, running: RunningBot, clock: Clock) -> None:
    name = (getpass.getuser() or "worker").capitalize()
    user = emulator.user(DEMO_USER_ID, name, language_code=_user_language())
    screen = Screen(user, color=sys.stdout.isatty())
    emulator.on_bot_event(screen.show)
    print(
        screen.paint(
            DIM,
            "Type like in Telegram. Numbers press buttons. "
            "/time +2h moves the clock. /quit leaves.",
        )
    )
    await user.send("/start")
    await _settle(user)
    while True:
        try:
            line = (await asyncio.to_thread(input, "\nyou> ")).strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return
        if line.startswith("/time"):
            await _travel(running, clock, line.removeprefix("/time").strip())
            continue
        if line.isdigit() and await screen.press(int(line)):
            await _settle(user)
            continue
        screen.new_turn()
        await user.send(line)
        await _settle(user)


async def _settle(user: EmulatedUser) -> None:
    """Wait until the bot has answered (the screen prints it as it arrives)."""
    try:
        await user.wait_for_reply(timeout=10)
    except AssertionError:
        print("(no answer from the bot)")


async def _travel(running: RunningBot, clock: Clock, amount: str) -> None:
    """Move the clock, stopping at each reminder due on the way and dispatching it, so
    `/time +7d` shows the week's study reminders and check-in as they would arrive (one
    jump would find the study reminders stale and skip them, as after real downtime).
    Past the first week only renewal alerts stop the clock; the rest then arrives once at
    the end, coalesced, as after downtime."""
    match = TIME_STEP.match(amount.replace(" ", ""))
    if not match:
        print("Usage: /time +30m, /time +2h, /time +7d or /time +2w")
        return
    value, unit = int(match.group(1)), match.group(2)
    target = clock.now() + timedelta(**{UNITS[unit]: value})
    every_stop_until = clock.now() + SHOW_EVERY
    services = running.services
    for _ in range(MAX_STOPS):
        kinds = None if clock.now() < every_stop_until else LONG_JUMP_KINDS
        async with services.sessions() as session:
            due = await reminder_settings.next_due_at(session, target, kinds)
            if due is not None and kinds is None and due > every_stop_until:
                due = await reminder_settings.next_due_at(session, target, LONG_JUMP_KINDS)
        if due is None:
            break
        if due > clock.now():
            clock.advance(due - clock.now())
        print(f"(clock: {clock.now():%a %Y-%m-%d %H:%M} UTC)")
        if not await _dispatch(running):
            break  # nothing moved on (a send backing off): do not spin
    if target > clock.now():
        clock.advance(target - clock.now())
    await _dispatch(running)
    print(f"(clock moved to {clock.now():%a %Y-%m-%d %H:%M} UTC)")


async def _dispatch(running: RunningBot) -> bool:
    """Send what is due now; False when nothing was due or moved on."""
    report = await dispatch_due(running.application)
    if not (report.sent + report.skipped + report.deferred + report.empty + report.rejected):
        return False
    await asyncio.sleep(0.3)  # let the screen print what was sent
    if report.deferred:
        print(f"({report.deferred} reminder(s) held by quiet hours until morning)")
    return True
