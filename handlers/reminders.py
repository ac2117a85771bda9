"""The reminder dispatcher: APScheduler wakes it every minute (and the demo's `/time`
right away); it sends what the database says is due."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.i18n import translator
from bot.runtime import Services
from bot.services.reminders import take_due
from bot.services.users import mark_blocked
from handlers.chat import escape

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 60


async def dispatch_due(application: Application) -> int:  # type: ignore[type-arg]
    """Send every due reminder once; return how many were sent."""
    services: Services = application.toolbox_services  # type: ignore[attr-defined]
    async with services.sessions.begin() as session:
        due = await take_due(session, services.clock.now())
    sent = 0
    for reminder in due:
        if not reminder.deliver:
            continue
        t = translator(reminder.language)
        names = [
            services.catalog.credentials[c].name
            for c in reminder.credential_ids
            if c in services.catalog.credentials
        ]
        if names:
            text = t(
                "Weekly check-in: how is <b>{name}</b> going? Even one hour this week counts.",
                name=escape(names[0]),
            )
        else:
            text = t(
                "Weekly check-in: ready to pick a credential? /recommend shows your best three."
            )
        try:
            await application.bot.send_message(reminder.user_id, text)
            sent += 1
        except Forbidden:
            async with services.sessions.begin() as session:
                await mark_blocked(session, services.clock, reminder.user_id)
        except TelegramError:
            log.exception("Reminder %s could not be sent", reminder.reminder_id)
    return sent


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await dispatch_due(context.application)


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(
        _tick, interval=CHECK_EVERY_SECONDS, first=5, name="reminder-dispatcher"
    )
