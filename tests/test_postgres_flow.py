"""The same worker story on PostgreSQL, the database operators run at scale."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import Clock
from bot.db.models import DismissedCredential
from bot.serve import start_bot
from emulator import BotApiEmulator
from tests.conftest import START, TOKEN, check_phone_first, make_settings
from tests.databases import postgres_database
from tests.story import cards, onboard_by_taps, reply_to, texts


async def test_onboarding_recommendations_and_restart_on_postgresql(
    emulator: BotApiEmulator,
) -> None:
    async with postgres_database() as url:
        settings = make_settings(url, emulator.base_url)
        clock = Clock(START)
        running = await start_bot(settings, TOKEN, clock, poll_timeout=1)
        worker = emulator.user(7_000_000_001, "Paz", language_code="es")  # > 2**31: BigInteger
        try:
            await onboard_by_taps(worker, "Electricista", "Oficial")
            await running.stop()
            running = await start_bot(settings, TOKEN, clock, poll_timeout=1)
            replies = await reply_to(worker, worker.press("Sacar mi licencia"))
            assert "✅ Sacar mi licencia" in str([m.buttons for m in replies])
            for label in ("✔ Listo", "Saltar ▶", "✔ Listo", "6–10 h", "Hasta $500", "Cualquiera"):
                await reply_to(worker, worker.press(label))
            replies = await reply_to(worker, worker.send("Texas"))
            assert len(cards(replies)) == 3, texts(replies)
            first = cards(replies)[0]
            nope = await reply_to(worker, worker.press("No es para mí", message=first))
            assert "No te la vuelvo a sugerir." in texts(nope)
            assert "Entendido, no te la vuelvo a sugerir." in worker.answers
            async with running.services.sessions() as session:
                hidden = await session.scalars(
                    select(DismissedCredential.credential_id).where(
                        DismissedCredential.user_id == worker.id
                    )
                )
                assert len(list(hidden)) == 1
        finally:
            await running.stop()
    check_phone_first(emulator)
