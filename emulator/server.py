"""The emulator itself: an aiohttp server on 127.0.0.1 speaking the Telegram Bot API.

Point PTB at it with ``ApplicationBuilder().token(emu.token).base_url(emu.api_url)
.base_file_url(emu.file_url)``; methods live at ``/bot<TOKEN>/<method>`` and downloads at
``/file/bot<TOKEN>/<path>``. With a webhook set, updates are POSTed to it (with the
``X-Telegram-Bot-Api-Secret-Token`` header) instead of waiting for getUpdates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any, Self

import aiohttp
from aiohttp import web

from emulator import errors
from emulator.errors import ApiError, bad_request
from emulator.faults import Faults
from emulator.flood import FloodControl, FloodLimits
from emulator.media import UploadedFile
from emulator.methods import BotApi, Fault, coerce_params
from emulator.state import (
    ApiCall,
    ChatState,
    EmulatorState,
    monotonic_now,
    system_clock,
    wait_for_event,
)
from emulator.user import BotEvent, ChatMessage, EmulatedGroup, EmulatedUser

_LOG = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's limit for bots uploading files
_WEBHOOK_RETRY_START = 0.05
_WEBHOOK_RETRY_MAX = 2.0


class BotApiEmulator:
    """An offline Telegram Bot API server plus the users and groups that talk to the bot.

    ``flood_control`` (default False) turns on Telegram's 429 limits (:class:`FloodLimits`:
    1 message/s per chat, 20/min per group, 30/s overall); it can be switched at runtime.
    Keep it off in tests that do not exercise rate limiting, on in the demo; a bot meant to
    survive it should use PTB's ``AIORateLimiter(max_retries=...)``, which waits out 429s.
    ``settle`` is how long the bot must stay quiet before ``wait_for_reply`` returns;
    ``group_privacy`` mirrors BotFather's privacy mode for groups; callback and inline
    queries expire after ``query_ttl`` seconds like on Telegram; ``wall_clock`` (unix
    seconds) dates messages, so the demo can pass the clock it moves with `/time`.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "toolbox_test_bot",
        *,
        bot_name: str = "Toolbox",
        host: str = "127.0.0.1",
        port: int = 0,
        flood_control: bool = False,
        flood_limits: FloodLimits | None = None,
        settle: float = 0.1,
        group_privacy: bool = True,
        query_ttl: float = 15.0,
        wall_clock: Callable[[], float] | None = None,
    ):
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like '<digits>:<secret>'")
        self.token = token
        self.host = host
        self.port = port
        self.settle = settle
        self.group_privacy = group_privacy
        self.state = EmulatorState(
            wall_clock=wall_clock or system_clock,
            bot_user={
                "id": int(bot_id),
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
            },
        )
        self.api = BotApi(
            self.state,
            FloodControl(flood_limits or FloodLimits(), clock=monotonic_now),
            flood_enabled=flood_control,
            query_ttl=query_ttl,
        )
        self.faults = Faults()  # scripted 429s, 5xx and slow answers (emulator/faults.py)
        self._users: dict[int, EmulatedUser] = {}
        self._groups: dict[int, EmulatedGroup] = {}
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # Lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        """Bind the HTTP server (a free port unless one was given) and start webhook delivery."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        # A short shutdown timeout: stop() has already woken every long poll by then.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.state.closing = False
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._webhook_task = asyncio.create_task(self._deliver_webhooks(), name="emulator-webhook")
        _LOG.info("Bot API emulator listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        """Wake pending long polls, stop webhook delivery and close the server."""
        self.state.closing = True
        self.state.updates_pulse.fire()
        self.state.activity_pulse.fire()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # Addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (valid after start())."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What to pass as PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """What to pass as PTB's ``base_file_url``."""
        return f"{self.base_url}/file/bot"

    # What tests look at ------------------------------------------------------------------

    @property
    def bot_user(self) -> dict[str, Any]:
        return self.state.bot_user

    @property
    def bot_username(self) -> str:
        return self.state.bot_user["username"]

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call the bot made, in order (getUpdates included)."""
        return self.state.calls

    @property
    def errors(self) -> list[ApiCall]:
        """The calls that failed, except the failures injected with `fail_next`."""
        return [call for call in self.state.calls if not call.ok and not call.injected]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 502,
        count: int = 1,
        hang: float = 0.0,
        description: str | None = None,
    ) -> None:
        """Make the next `count` calls of `method` fail with HTTP `status` without acting.

        5xx statuses get Telegram's front-end wording; `hang` holds each answer that many
        seconds first, so a client with a shorter read timeout sees a timeout instead.
        """
        text = description or errors.SERVER_ERRORS.get(status) or f"Bad Request: error {status}"
        fault = Fault(ApiError(status, text), hang=hang)
        self.api.faults.setdefault(method.lower(), []).extend([fault] * count)

    def calls_to(self, method: str) -> list[ApiCall]:
        """The calls of one method (case-insensitive name, like Telegram's)."""
        return [call for call in self.state.calls if call.method.lower() == method.lower()]

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update users caused, delivered or not."""
        return self.state.updates

    @property
    def webhook_url(self) -> str | None:
        return self.state.webhook.url if self.state.webhook else None

    @property
    def flood_control(self) -> bool:
        return self.api.flood_enabled

    @flood_control.setter
    def flood_control(self, enabled: bool) -> None:
        self.api.flood_enabled = enabled

    def on_bot_event(self, callback: Callable[[BotEvent], object]) -> Callable[[], None]:
        """Call ``callback`` (synchronously) for everything the bot does in any chat.

        Meant for the demo's screen, which must also show messages nobody waited for
        (reminders); put events on an asyncio.Queue if the display is async. Returns a
        function that removes the listener.
        """

        def listener(chat: ChatState, kind: str, message_id: int, toast: str | None) -> None:
            stored = chat.messages.get(message_id)
            message = ChatMessage(chat, stored) if stored is not None else None
            callback(BotEvent(chat.id, kind, message, toast))

        self.state.listeners.append(listener)
        return lambda: self.state.listeners.remove(listener)

    # People ------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = False,
    ) -> EmulatedUser:
        """The user with this id and their private chat with the bot (created once).

        ``started=True``: the user pressed Start long ago, so the bot may write first (a
        benchmark's many users, without an update each).
        """
        if user_id in self._users:
            return self._users[user_id]
        if user_id <= 0:
            raise ValueError("user ids are positive")
        identity: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value:
                identity[key] = value
        chat = ChatState(id=user_id, type="private", user=identity, started=started)
        self.state.chats[user_id] = chat
        self.state.users[user_id] = identity
        self._users[user_id] = EmulatedUser(self, chat, identity)
        return self._users[user_id]

    def group(
        self, chat_id: int, title: str, *, type: str = "group", username: str | None = None
    ) -> EmulatedGroup:
        """A group (or supergroup) the bot is a member of (created once)."""
        if chat_id in self._groups:
            return self._groups[chat_id]
        if chat_id >= 0 or type not in ("group", "supergroup"):
            raise ValueError("groups have negative ids and type 'group' or 'supergroup'")
        chat = ChatState(id=chat_id, type=type, title=title, username=username)
        self.state.chats[chat_id] = chat
        self._groups[chat_id] = EmulatedGroup(self, chat)
        return self._groups[chat_id]

    # HTTP --------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            self.state.calls.append(
                ApiCall(method, {}, error=errors.UNAUTHORIZED, at=monotonic_now())
            )
            return _error_response(errors.UNAUTHORIZED)
        try:
            params = await _read_params(request)
            fault = self.faults.take(method, params)
            if fault is not None:
                error = fault.error()
                if error is not None:
                    return _error_response(error)
                await asyncio.sleep(fault.delay)
                if _client_gone(request):  # it timed out: never reached "Telegram"
                    return _error_response(ApiError(504, "Gateway Timeout"))
            result, description = await self.api.call(
                method, params, client_gone=lambda: _client_gone(request)
            )
        except ApiError as error:
            return _error_response(error)
        except Exception:
            return _error_response(ApiError(500, "Internal Server Error"))
        body: dict[str, Any] = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return web.json_response(body)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(errors.UNAUTHORIZED)
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None:
            return _error_response(errors.NOT_FOUND)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return _error_response(errors.NOT_FOUND)

    # Webhook delivery --------------------------------------------------------------------

    async def _deliver_webhooks(self) -> None:
        """POST pending updates to the webhook one at a time, in order, retrying failures."""
        state = self.state
        retry_delay = _WEBHOOK_RETRY_START
        while not state.closing:
            armed = state.updates_pulse.armed()
            webhook = state.webhook
            if webhook is None or not state.pending:
                await armed.wait()
                continue
            update = state.pending[0]
            failure = await self._post_update(webhook.url, webhook.secret_token, update)
            if failure is None:
                if state.pending and state.pending[0] is update:
                    state.pending.pop(0)
                state.mark_delivered(update["update_id"])
                retry_delay = _WEBHOOK_RETRY_START
                continue
            webhook.last_error_date = self.state.unix_now()
            webhook.last_error_message = failure
            _LOG.warning("webhook delivery to %s failed: %s", webhook.url, failure)
            await wait_for_event(state.updates_pulse.armed(), retry_delay)
            retry_delay = min(retry_delay * 2, _WEBHOOK_RETRY_MAX)

    async def _post_update(
        self, url: str, secret_token: str | None, update: dict[str, Any]
    ) -> str | None:
        """POST one update; None on success, else Telegram's kind of last_error_message."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        try:
            async with self._session.post(
                url, data=json.dumps(update), headers=headers
            ) as response:
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return f"Connection failed: {exc.__class__.__name__}: {exc}"


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = UploadedFile(
                        filename=value.filename or key,
                        content_type=value.content_type,
                        content=value.file.read(),
                    )
                else:
                    params[key] = value
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = params.get(value.removeprefix("attach://"), value)
    return coerce_params(params)


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.error_code)
