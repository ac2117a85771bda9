"""Telegram-facing flows: one module per command family, named after the command.

A module with a `handlers()` function is a flow: it is registered here without being
listed, in the order of its `ORDER` (conversations first, the fallbacks last: PTB runs at
most one handler per group, so the fallbacks only see what no flow took), and the
commands in its `MENU` go to Telegram's command menu in that order. A new command is a
new module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from telegram.ext import Application

EARLY, MAIN = -1, 0
DEFAULT_ORDER = 50


@cache
def flows() -> tuple[ModuleType, ...]:
    """Every flow module, in the order its handlers are tried."""
    modules = [
        importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
    ]
    found = [m for m in modules if callable(getattr(m, "handlers", None))]
    return tuple(sorted(found, key=lambda m: (getattr(m, "ORDER", DEFAULT_ORDER), m.__name__)))


def menu() -> list[tuple[str, str]]:
    """(command, untranslated description) for Telegram's menu, in the flows' order."""
    return [entry for module in flows() for entry in getattr(module, "MENU", ())]


def register(application: Application) -> None:  # type: ignore[type-arg]
    from handlers import fallbacks

    application.add_handlers(fallbacks.early_handlers(), group=EARLY)
    application.add_handlers([h for m in flows() for h in m.handlers()], group=MAIN)
