"""Getting updates into the inbox: long polling or a webhook, and the restart that finishes
what a crash left.

We do not use PTB's `Updater`: it confirms a batch to Telegram with the next getUpdates
before the batch is handled, and it parses an update before anything else, so one it cannot
parse is refetched forever. Here the raw JSON is stored first (`UpdateInbox.add`), then
parsed; only then does the next getUpdates (or the 200 to Telegram's POST) confirm it.
Parsed updates go to PTB's `update_queue`, so everything after that is PTB's own path.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
import warnings
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.inbox import UpdateInbox

log = logging.getLogger(__name__)

# We ask for getUpdates by name to get the raw JSON (see the module docstring).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_RETRY_MAX = 30.0  # seconds between getUpdates attempts while the Bot API is down
STORE_RETRY = 5.0  # seconds between inbox attempts while the database refuses


class UpdateIntake:
    """Feeds `application` from Telegram through `inbox`; one instance per running bot."""

    def __init__(self, application: Application, inbox: UpdateInbox) -> None:  # type: ignore[type-arg]
        self._application = application
        self._inbox = inbox
        self._task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._secret = ""
        self._store_again_at = 0.0  # after a failure, loop time of the next attempt

    # Starting and stopping -------------------------------------------------------------

    async def start_polling(self, poll_timeout: int) -> None:
        await self._application.bot.delete_webhook()
        self._task = asyncio.create_task(self._recover_then_poll(poll_timeout))
        self._task.add_done_callback(_report_if_polling_died)

    async def start_webhook(
        self,
        *,
        listen: str,
        port: int,
        path: str,
        url: str,
        secret: str | None,
        routes: Sequence[web.RouteDef] = (),
    ) -> None:
        # Without a configured secret we make one: only Telegram learns it (setWebhook), so
        # only Telegram's POSTs get past the check.
        self._secret = secret or secrets.token_urlsafe(32)
        await self._recover()
        app = web.Application()
        app.router.add_post("/" + path.lstrip("/"), self._receive)
        app.router.add_routes(routes)  # /healthz (bot/health.py)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()
        await self._application.bot.set_webhook(url, secret_token=self._secret)

    async def stop(self) -> None:
        if self._task is not None:
            await _cancel_until_done(self._task)
            self._task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Recovery --------------------------------------------------------------------------

    async def _recover_then_poll(self, poll_timeout: int) -> None:
        try:
            await self._recover()
        except Exception:
            log.exception("Could not finish the updates a crash left; they wait for the next start")
        await self._poll(poll_timeout)

    async def _recover(self) -> None:
        """Handle what a crash left pending, oldest first, before anything new."""
        queue = self._application.update_queue
        batch_size = self._application.update_processor.max_concurrent_updates
        recovered = 0
        while True:
            batch = await self._inbox.take_pending(batch_size)
            if not batch:
                break
            for raw in batch:
                await self._dispatch(raw)
            recovered += len(batch)
            await queue.join()  # this batch is handled (and committed) before the next
        if recovered:
            log.warning("Finished %d update(s) left by an earlier stop", recovered)
        with contextlib.suppress(Exception):
            await self._inbox.prune()

    # Polling ---------------------------------------------------------------------------

    async def _poll(self, poll_timeout: int) -> None:
        bot = self._application.bot
        try:
            offset = await self._inbox.next_offset()
        except Exception as exc:
            # Without it Telegram resends what it has not had confirmed; the inbox skips
            # the update_ids it already holds.
            log.warning("No getUpdates offset from the inbox (%s)", exc.__class__.__name__)
            offset = None
        delay = 0.0
        while True:
            if delay:
                await asyncio.sleep(delay)
            try:
                with warnings.catch_warnings():
                    # Raw JSON on purpose: Bot.get_updates would parse, and one update PTB
                    # cannot parse would then block the whole batch forever.
                    warnings.simplefilter("ignore", PTBUserWarning)
                    raw = await bot.do_api_request(
                        "getUpdates",
                        api_kwargs={"offset": offset, "timeout": poll_timeout},
                        read_timeout=poll_timeout + 10,
                    )
            except InvalidToken:
                log.error("The Bot API refused the token; no more polling")
                raise
            except RetryAfter:
                delay = 1.0
                continue
            except (Conflict, TelegramError) as exc:
                delay = min(max(delay * 2, 0.5), POLL_RETRY_MAX)
                log.warning("getUpdates failed (%s); trying again in %.1f s", exc, delay)
                continue
            delay = 0.0
            if not isinstance(raw, list) or not raw:
                continue
            updates = [
                u for u in raw if isinstance(u, dict) and isinstance(u.get("update_id"), int)
            ]
            for update in await self._store(updates):
                await self._dispatch(update)
            # Confirmed to Telegram by the next getUpdates, now that they are stored.
            offset = max(u["update_id"] for u in updates) + 1 if updates else offset

    # Webhook ---------------------------------------------------------------------------

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return web.Response(status=400)
        for update in await self._store([raw]):
            await self._dispatch(update)
        return web.Response(status=200)  # only now may Telegram forget it

    # Both ------------------------------------------------------------------------------

    async def _store(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store, and return the updates to handle now (those not seen before).

        When the database refuses (locked, read-only, down) we handle them anyway, straight
        from memory: answering /help matters more than the crash guarantee for those few.
        Then we only try again every `STORE_RETRY` seconds, so a lock does not slow every
        update down.
        """
        loop = asyncio.get_running_loop()
        if loop.time() >= self._store_again_at:
            try:
                fresh = await self._inbox.add(updates)
            except Exception as exc:
                if not self._store_again_at:
                    log.warning(
                        "Update inbox unavailable (%s): handling updates from memory until "
                        "it is back",
                        exc.__class__.__name__,
                    )
                self._store_again_at = loop.time() + STORE_RETRY
            else:
                if self._store_again_at:
                    log.warning("Update inbox available again")
                    self._store_again_at = 0.0
                return fresh
        self._application.not_in_inbox.update(u["update_id"] for u in updates)  # type: ignore[attr-defined]
        return updates

    async def _dispatch(self, raw: dict[str, Any]) -> None:
        update_id = raw["update_id"]
        try:
            update = Update.de_json(raw, self._application.bot)
        except Exception as exc:
            # One line, once: the update is set aside, never refetched.
            error = f"cannot be read: {exc.__class__.__name__}: {exc}"
            log.error("Update %s set aside (%s); see `python -m bot inbox`", update_id, error)
            try:
                await self._inbox.set_aside(update_id, error)
            except Exception as db_error:
                log.warning("Could not record set-aside update %s: %s", update_id, db_error)
            return
        await self._application.update_queue.put(update)


async def _cancel_until_done(task: asyncio.Task[None], tries: int = 20) -> None:
    """Cancel, and cancel again while it runs on: a cancellation can be lost on its way
    through the HTTP client or the database layers (seen at shutdown under cProfile with
    SQLite writers queueing, bot/db/sqlite_writers.py: the poller went on to the next
    getUpdates and the stop waited forever; where it is lost is not found yet), and a
    stop must not hang."""
    for _ in range(tries):
        task.cancel()
        done, _pending = await asyncio.wait({task}, timeout=0.5)
        if done:
            break
    else:
        log.warning("The update poller did not stop after %d cancellations", tries)
        return
    with contextlib.suppress(asyncio.CancelledError):
        task.result()


def _report_if_polling_died(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.critical("Polling stopped; no updates are received", exc_info=task.exception())
