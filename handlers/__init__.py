"""Telegram-facing flows, one module per flow. `register` wires them in priority order."""

from __future__ import annotations

from telegram.ext import Application

EARLY, MAIN = -1, 0


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers import (
        account,
        earned,
        fallbacks,
        groups,
        log,
        onboarding,
        plans,
        recommendations,
        reminders,
        search,
    )

    application.add_handlers(fallbacks.early_handlers(), group=EARLY)
    application.add_handlers(
        [
            *groups.handlers(),
            onboarding.build(),
            *plans.handlers(),
            *earned.handlers(),
            *log.handlers(),
            *reminders.handlers(),
            *recommendations.handlers(),
            *search.handlers(),
            *account.handlers(),
            # Last in the same group: PTB runs at most one handler per group, so these
            # only see what no flow above took.
            *fallbacks.late_handlers(),
        ],
        group=MAIN,
    )
