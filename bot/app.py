"""The application factory: one place that wires PTB, the database and the handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from zoneinfo import ZoneInfo

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.catalog_sync import sync_catalog
from bot.clock import Clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.i18n import available_languages, translator
from bot.language_id import language_of
from bot.persistence import DatabasePersistence
from bot.ratelimit import ToolboxRateLimiter
from bot.reminders.dispatcher import install as install_reminder_dispatcher
from bot.request import AiohttpRequest
from bot.runtime import (
    MAX_CONCURRENT_UPDATES,
    PerChatUpdateProcessor,
    Services,
    ToolboxContext,
    WriteThroughApplication,
)
from bot.services.timezones import place_from_text
from bot.services.users import mark_blocked
from bot.settings import Settings
from catalog import default_catalog
from catalog.regions import normalize_region, region_name
from handlers import menu, register

log = logging.getLogger(__name__)

async def build_services(settings: Settings, clock: Clock) -> Services:
    """Migrate the database, load the catalog into it and return the wired services."""
    # A connection for each update that may run at once (and a few for jobs): SQLAlchemy's
    # default of 5 (+10 overflow) made it open and close SQLite connections all the time.
    engine = make_engine(settings.database_url, pool_size=MAX_CONCURRENT_UPDATES + 4)
    await upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    catalog = default_catalog()
    await sync_catalog(sessions, catalog, clock)
    _warm_up_in_background()
    return Services(
        settings=settings, clock=clock, engine=engine, sessions=sessions, catalog=catalog
    )


_warming: set[asyncio.Task[None]] = set()


def _warm_up_in_background() -> None:
    """Load the town gazetteer, the language models and the ISO 3166-2 state names in a
    thread, once per process, so the first worker who types a town or a Spanish word or
    picks a country does not wait for them (up to a second each) and start-up does not
    either."""

    def load() -> None:
        place_from_text("Houston")
        language_of("hola amigo")
        normalize_region("Nuevo México")
        region_name("US-TX")

    task = asyncio.create_task(asyncio.to_thread(load))
    _warming.add(task)  # keep a reference until done (asyncio holds tasks weakly)
    task.add_done_callback(_warming.discard)


async def warmed_up() -> None:
    """Return once the warm-up has loaded everything (benchmarks measure memory after it)."""
    await asyncio.gather(*_warming)


def build_application(
    services: Services, token: str, *, poll_timeout: int = 10
) -> Application:  # type: ignore[type-arg]
    settings = services.settings
    application = (
        ApplicationBuilder()
        .application_class(WriteThroughApplication)
        .token(token)
        # aiohttp instead of PTB's httpx: same timeouts and errors, less CPU per call
        # (bot/request.py). getUpdates has its own connection and waits out the long poll.
        .request(AiohttpRequest())
        .get_updates_request(
            AiohttpRequest(connection_pool_size=1, read_timeout=poll_timeout + 10)
        )
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.file_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=ZoneInfo(settings.default_timezone),
                # Issuer links would otherwise unfold into big previews on a small screen.
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(ToolboxRateLimiter(limits=settings.flood_limits))
        .persistence(
            DatabasePersistence(
                services.sessions,
                services.clock,
                fence=services.leadership.fence if services.leadership else None,
            )
        )
        .context_types(ContextTypes(context=ToolboxContext))
        # Updates come from our inbox (bot/inbox_intake.py), not PTB's Updater.
        .updater(None)
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.toolbox_services = services  # type: ignore[attr-defined]
    application.not_in_inbox = set()  # type: ignore[attr-defined]
    register(application)
    install_reminder_dispatcher(application, services)
    application.add_error_handler(_on_error)
    return application


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu in every language; bot/serve.py calls it at every start."""
    for language in available_languages():
        t = translator(language)
        commands = [BotCommand(name, t(description)) for name, description in menu()]
        code = None if language == "en" else language
        await application.bot.set_my_commands(commands, language_code=code)


async def _on_error(update: object, context: ToolboxContext) -> None:
    """Last resort: log everything, tell the user something short and kind."""
    if isinstance(context.error, Forbidden) and isinstance(update, Update):
        # The worker blocked us: remember it so nothing else is sent until they return.
        if update.effective_user:
            services = context.services
            async with services.sessions.begin() as session:
                await mark_blocked(session, services.clock, update.effective_user.id)
        return
    log.error("Update %r caused an error", update, exc_info=context.error)
    if isinstance(context.error, NetworkError) and not isinstance(context.error, BadRequest):
        # Telegram kept failing or timing out past the rate limiter's retries: the reply may
        # have arrived after all, and an apology would go through the same failing API.
        return
    if isinstance(update, Update) and update.effective_chat:
        user = update.effective_user
        t = translator(user.language_code if user else None)
        if update.callback_query:
            # Stop the spinner; it may already have been answered before the error.
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                t("Sorry, something went wrong on my side. Please try again in a moment."),
            )
        except Exception:  # the error path must never raise
            log.exception("Could not tell the user about the error")
