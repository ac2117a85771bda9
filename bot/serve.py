"""Run the bot until told to stop: polling by default, a webhook when one is configured.

`serve` first waits to be the leader (bot/leader.py): on PostgreSQL several processes may
run and only one receives updates; on SQLite a second process stands by. The bot is built
only once this process leads, so it reads conversation state and the update inbox as the
previous leader left them. /healthz answers meanwhile, saying "standby".
"""

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
from bot.db.engine import make_engine, make_sessionmaker
from bot.health import Health
from bot.inbox import UpdateInbox, make_inbox_engine
from bot.inbox_intake import UpdateIntake
from bot.leader import Leadership, LostLeadership, leadership_for
from bot.runtime import Services
from bot.settings import Settings
from catalog import default_catalog

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
    settings: Settings,
    token: str,
    clock: Clock,
    *,
    poll_timeout: int = 10,
    leadership: Leadership | None = None,
) -> RunningBot:
    """Migrate, load the catalog, connect to the Bot API and start receiving updates."""
    services = await build_services(settings, clock)
    services.leadership = leadership
    health = Health(services.engine, clock, leadership)
    application = build_application(services, token, poll_timeout=poll_timeout)
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
                routes=[health.route()],
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
    """Stand by until leader, then run until SIGTERM (or until leadership is lost, which
    raises `LostLeadership`: the process exits and its supervisor restarts it)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    clock = Clock()
    leadership = leadership_for(settings.database_url)
    health_engine = make_engine(settings.database_url, pool_size=1)
    health = Health(health_engine, clock, leadership)
    try:
        if settings.health_port:
            await health.serve(settings.health_listen, settings.health_port)
        # Read the catalog files now (about 2 s), not after the leader died: a takeover
        # then only syncs and connects.
        await asyncio.to_thread(default_catalog)
        if not await leadership.wait_until_leader(stop):
            return  # told to stop while standing by
        running = await start_bot(settings, token, clock, leadership=leadership)
        try:
            stopped = asyncio.create_task(stop.wait())
            lost = asyncio.create_task(leadership.lost.wait())
            await asyncio.wait((stopped, lost), return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            lost.cancel()
        finally:
            await running.stop()
        if leadership.lost.is_set() and not stop.is_set():
            raise LostLeadership("stopped: another process may lead now")
    finally:
        await leadership.release()
        await health.stop()
        await health_engine.dispose()
