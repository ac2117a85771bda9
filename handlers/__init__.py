"""Telegram-facing flows: one module per command family, named after the command.

`/start` → onboarding, `/profile` → profile, `/recommend` → recommend, `/find` (and inline
mode) → find, `/language` → language, `/help` and `/cancel` → help. Each module has a
`handlers()` list; `register` wires them in priority order.
"""

from __future__ import annotations

from telegram.ext import Application

EARLY, MAIN = -1, 0


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers import (
        earned,
        fallbacks,
        find,
        help,
        language,
        log,
        membership,
        onboarding,
        plans,
        privacy,
        profile,
        recommend,
        reminders,
        stats,
    )

    application.add_handlers(fallbacks.early_handlers(), group=EARLY)
    application.add_handlers(
        [
            *membership.handlers(),
            *onboarding.handlers(),
            *plans.handlers(),
            *earned.handlers(),
            *log.handlers(),
            *reminders.handlers(),
            *recommend.handlers(),
            *find.handlers(),
            *profile.handlers(),
            *language.handlers(),
            *privacy.handlers(),
            *stats.handlers(),
            *help.handlers(),
            # Last in the same group: PTB runs at most one handler per group, so these
            # only see what no flow above took.
            *fallbacks.late_handlers(),
        ],
        group=MAIN,
    )
    reminders.schedule(application)
