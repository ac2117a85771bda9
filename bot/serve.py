"""Run the bot until told to stop: polling by default, a webhook when one is configured."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.ext import Application

from bot.app import build_application, build_services
from bot.clock import Clock
from bot.runtime import Services
from bot.settings import Settings


@dataclass
class RunningBot:
    application: Application  # type: ignore[type-arg]
    services: Services

    async def stop(self) -> None:
        application = self.application
        try:
            if application.updater and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        finally:
            await self.services.engine.dispose()


async def start_bot(
    settings: Settings, token: str, clock: Clock, *, poll_timeout: int = 10
) -> RunningBot:
    """Migrate, load the catalog, connect to the Bot API and start receiving updates."""
    services = await build_services(settings, clock)
    application = build_application(services, token)
    try:
        await application.initialize()
        await application.start()
        if settings.webhook_url:
            await application.updater.start_webhook(  # type: ignore[union-attr]
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                # Serve on the path Telegram will POST to (the webhook URL's own path).
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=(
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                ),
            )
        else:
            await application.updater.start_polling(  # type: ignore[union-attr]
                poll_interval=0, timeout=poll_timeout
            )
    except BaseException:
        await services.engine.dispose()
        raise
    return RunningBot(application, services)


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
