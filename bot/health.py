"""`GET /healthz`: can we reach the database, how late are reminders, are we the leader.

Served on the webhook server in webhook mode, and on its own small port (`HEALTH_PORT`)
in every process, standbys included, so a monitor sees each one. 200 when the database
answers, 503 when it does not; the body says the rest as JSON.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.clock import Clock
from bot.leader import Leadership
from bot.services.stats import dispatcher_lag

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0  # seconds: a monitor must get an answer, even "unreachable"
PATH = "/healthz"


class Health:
    def __init__(self, engine: AsyncEngine, clock: Clock, leadership: Leadership | None) -> None:
        self._engine = engine
        self._clock = clock
        self._leadership = leadership
        self._runner: web.AppRunner | None = None

    async def report(self) -> dict[str, Any]:
        leader = self._leadership.is_leader if self._leadership is not None else True
        report: dict[str, Any] = {
            "database": "ok",
            "leader": leader,
            "dispatcher_lag_seconds": None,
        }
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), AsyncSession(self._engine) as session:
                await session.execute(text("SELECT 1"))
                try:
                    lag = await dispatcher_lag(session, self._clock.now())
                    report["dispatcher_lag_seconds"] = round(lag, 1)
                except SQLAlchemyError:  # reachable, but not yet migrated (a first start)
                    report["dispatcher_lag_seconds"] = None
        except Exception as exc:  # any failure to answer is "unreachable" to a monitor
            report["database"] = "unreachable"
            report["error"] = exc.__class__.__name__
        return report

    async def handle(self, request: web.Request) -> web.Response:
        report = await self.report()
        return web.json_response(report, status=200 if report["database"] == "ok" else 503)

    def route(self) -> web.RouteDef:
        return web.get(PATH, self.handle)

    async def serve(self, listen: str, port: int) -> None:
        app = web.Application()
        app.router.add_routes([self.route()])
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, listen, port).start()
        log.info("Health check on http://%s:%d%s", listen, port, PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
