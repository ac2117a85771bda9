"""`python -m bot migrate | run | demo | inbox | broadcast`: the operator's command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from telegram.error import InvalidToken, NetworkError

from bot.settings import Settings, SettingsError, load_settings
from catalog import CatalogError

T = TypeVar("T")


def _run(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop's event loop where it is installed (not on Windows): the bot spends
    about a fifth less CPU per update than on asyncio's own loop (docs/PERFORMANCE.md)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="bring the database to the newest schema and load the catalog"
    )
    commands.add_parser(
        "run", help="run the bot against TELEGRAM_API_BASE_URL (polling or webhook)"
    )
    commands.add_parser(
        "inbox", help="list the updates set aside (unparseable, or failing on every try)"
    )
    broadcast = commands.add_parser(
        "broadcast",
        help="send a message to every active user (rate limited; rerun to resume, no repeats)",
    )
    broadcast.add_argument("--file", required=True, help="the message, as plain UTF-8 text")
    broadcast.add_argument(
        "--dry-run", action="store_true", help="say how many would get it; send nothing"
    )
    demo = commands.add_parser("demo", help="chat with the bot offline in this terminal")
    demo.add_argument("--database", default=None, help="database URL (default: DATABASE_URL)")
    args = parser.parse_args(argv)

    from bot.logging_setup import configure_logging

    try:
        settings = load_settings()
        if args.command == "run":
            token = settings.token()
            configure_logging(settings.log_level, token, fmt=settings.log_format)
            from bot.leader import LostLeadership
            from bot.serve import serve

            try:
                _run(serve(settings, token))
            except LostLeadership as exc:
                print(f"error: lost the leader lock ({exc})", file=sys.stderr)
                return 1
        elif args.command == "migrate":
            configure_logging(settings.log_level, fmt=settings.log_format)
            _run(_migrate(settings))
        elif args.command == "broadcast":
            text = _message_text(args.file)
            token = settings.token()
            configure_logging("WARNING", token, fmt=settings.log_format)
            _run(_broadcast(settings, token, text, dry_run=args.dry_run))
        elif args.command == "inbox":
            configure_logging("WARNING")
            _run(_inbox(settings))
        else:
            configure_logging("WARNING")
            from bot.demo import run_demo

            _run(run_demo(settings, args.database))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(
            f"error: {exc}\n(fix catalog/data, then `python -m catalog validate`)", file=sys.stderr
        )
        return 2
    except InvalidToken:
        print("error: TELEGRAM_BOT_TOKEN was refused by the Bot API server", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(
            f"error: cannot reach the Bot API at TELEGRAM_API_BASE_URL ({exc.message})",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


async def _migrate(settings: Settings) -> None:
    from bot.app import build_services
    from bot.clock import Clock

    services = await build_services(settings, Clock())
    print(f"database at head; catalog has {len(services.catalog.credentials)} credentials")
    await services.engine.dispose()


async def _inbox(settings: Settings) -> None:
    import json

    from bot.clock import Clock
    from bot.db.engine import make_engine, make_sessionmaker
    from bot.db.migrate import upgrade_to_head
    from bot.inbox import UpdateInbox

    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        inbox = UpdateInbox(make_sessionmaker(engine), Clock())
        counts = await inbox.counts()
        aside = await inbox.set_aside_list()
    finally:
        await engine.dispose()
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "empty"
    print(f"update inbox: {summary}")
    for item in aside:
        print(
            f"update {item.update_id} (received {item.received_at:%Y-%m-%d %H:%M} UTC, "
            f"{item.attempts} attempt(s)): {item.error}"
        )
        print("  " + json.dumps(item.payload, ensure_ascii=False)[:500])


MESSAGE_LIMIT = 4096  # Telegram's limit for one message


def _message_text(path: str) -> str:
    from pathlib import Path

    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path}: {exc}") from None
    if not text:
        raise SettingsError(f"{path} is empty: nothing to send")
    if len(text) > MESSAGE_LIMIT:
        raise SettingsError(f"{path} has {len(text)} characters; Telegram takes {MESSAGE_LIMIT}")
    return text


async def _broadcast(settings: Settings, token: str, text: str, *, dry_run: bool) -> None:
    from telegram.ext import ExtBot

    from bot.broadcast import run_broadcast
    from bot.clock import Clock
    from bot.db.engine import make_engine, make_sessionmaker
    from bot.db.migrate import upgrade_to_head
    from bot.ratelimit import ToolboxRateLimiter
    from bot.request import AiohttpRequest

    engine = make_engine(settings.database_url)
    bot = ExtBot(
        token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.file_base_url,
        rate_limiter=ToolboxRateLimiter(limits=settings.flood_limits),
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),  # never polls
    )
    try:
        await upgrade_to_head(engine)
        async with bot:
            result = await run_broadcast(
                make_sessionmaker(engine), Clock(), bot, text, dry_run=dry_run
            )
    finally:
        await engine.dispose()
    earlier = ", ".join(f"{n} {status}" for status, n in sorted(result.earlier.items()))
    if dry_run:
        print(f"dry run: {result.recipients} active user(s) would get it; nothing sent")
    else:
        done = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
        print(f"broadcast: {done or 'nobody left to send to'}")
    if earlier:
        print(f"earlier runs of this message: {earlier}")
    if result.earlier.get("sending"):
        print(
            f"{result.earlier['sending']} send(s) were cut off by a crash and are not "
            "retried (the user may already have the message)"
        )


if __name__ == "__main__":
    sys.exit(main())
