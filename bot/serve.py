"""Run the bot until told to stop: polling by default, a webhook when one is configured."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import TelegramError
from telegram.ext import Application

from bot.app import build_application, build_services, register_commands
from bot.clock import Clock
from bot.db.engine import make_sessionmaker
from bot.inbox import UpdateInbox, make_inbox_engine
from bot.inbox_intake import UpdateIntake
from bot.runtime import Services
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class RunningBot:
    application: Application  # type: ignore[type-arg]
    services: Services
    intake: UpdateIntake
    inbox_engine: AsyncEngine

    async def stop(self) -> None:
        application = self.application
        try:
            await self.intake.stop()
            if application.running:
                await application.stop()  # handles what is queued, then flushes persistence
            await application.shutdown()
        finally:
            await self.inbox_engine.dispose()
            await self.services.engine.dispose()


async def start_bot(
    settings: Settings, token: str, clock: Clock, *, poll_timeout: int = 10
) -> RunningBot:
    """Migrate, load the catalog, connect to the Bot API and start receiving updates."""
    services = await build_services(settings, clock)
    application = build_application(services, token)
    inbox_engine = make_inbox_engine(settings.database_url)
    intake = UpdateIntake(application, UpdateInbox(make_sessionmaker(inbox_engine), clock))
    try:
        await application.initialize()
        try:
            # PTB's post_init only runs under run_polling/run_webhook; we start by hand.
            await register_commands(application)
        except TelegramError as exc:
            log.warning("Could not register the command menu: %s", exc)
        await application.start()
        if settings.webhook_url:
            await intake.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                # Serve on the path Telegram will POST to (the webhook URL's own path).
                path=urlsplit(settings.webhook_url).path,
                url=settings.webhook_url,
                secret=(
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                ),
            )
        else:
            await intake.start_polling(poll_timeout)
    except BaseException:
        await intake.stop()
        await inbox_engine.dispose()
        await services.engine.dispose()
        raise
    return RunningBot(application, services, intake, inbox_engine)


async def serve(settings: Settings, token: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    running = await start_bot(settings, token, Clock())
    try:
        await stop.wait()
    finally:
        await running.stop()
