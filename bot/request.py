"""PTB's requests to the Bot API over aiohttp instead of httpx.

The HTTP client was about a fifth of the bot's CPU per update (httpx, httpcore, h11 and
anyio; docs/PERFORMANCE.md). aiohttp, which the bot already uses for its webhook and
/healthz servers, parses HTTP in C and does less per request.

`AiohttpRequest` keeps `HTTPXRequest`'s contract (telegram/request/_httpxrequest.py), so the
rate limiter, the intake and the error handler see the same errors:

- a timeout raises `telegram.error.TimedOut`, any other client failure `NetworkError`;
- the same default timeouts (read, write and connect 5 s, pool 1 s, 20 s to write an
  upload) and pool size (256);
- files go as multipart/form-data with the other parameters as form fields.

One thing differs on the wire: requests without files send one JSON object
(`application/json`, which the Bot API accepts, keyboards as nested objects) instead of a
urlencoded form of JSON strings: one C-level encode instead of one `json.dumps` per
parameter and then URL quoting.

How the four timeouts map onto aiohttp's:

- pool: waiting for one of the `connection_pool_size` slots, here (an asyncio.Semaphore),
  because aiohttp's own pool wait shares one timeout with opening the connection;
- connect -> `connect` and `sock_connect`: opening a new connection (name lookup, TCP,
  TLS), as httpx's connect timeout;
- read -> `sock_read`: from the end of the request body, and again after each chunk of
  the answer, as httpx's read timeout;
- write: aiohttp has no timeout per socket write, so the request as a whole is bounded by
  `total` = connect + write + read. Bodies here are small and in memory (the largest a
  badge PNG), so writing is never the slow part, and a peer that stops reading still
  cannot hold a request longer than that sum.

A timeout of None means no limit, as in PTB (and `total` is None then too).
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import lru_cache

import aiohttp

# The same private helpers HTTPXRequest uses for its signature and its defaults.
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

# One encoder made once: json.dumps with arguments builds a new JSONEncoder per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_JSON_HEADERS = {"Content-Type": "application/json"}
POOL_TIMEOUT_MESSAGE = (  # HTTPXRequest's wording
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


@lru_cache(maxsize=64)
def _timeout(
    read: float | None, write: float | None, connect: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for PTB's (see the module docstring); few distinct values occur,
    so each is built once."""
    total = None if None in (read, write, connect) else read + write + connect  # type: ignore[operator]
    return aiohttp.ClientTimeout(total=total, connect=connect, sock_connect=connect, sock_read=read)


class AiohttpRequest(BaseRequest):
    """`telegram.request.BaseRequest` over one `aiohttp.ClientSession`, made in
    `initialize` (it needs the running event loop) and closed in `shutdown`."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_slots",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long poll's own timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is not None and not self._session.closed:
            return
        self._slots = asyncio.Semaphore(self._pool_size)  # for this event loop
        self._session = aiohttp.ClientSession(
            # No limit of its own: the slots above keep at most pool-size requests (so
            # connections) in use, and time out the wait for one.
            connector=aiohttp.TCPConnector(limit=0),
            headers={"User-Agent": self.USER_AGENT},
            # The Bot API sets no cookies; the default jar would still be consulted on
            # every request.
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),  # each request passes its own
        )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is None or session.closed:
            log.debug("This AiohttpRequest is already shut down")
            return
        await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        if isinstance(read_timeout, DefaultValue):
            read_timeout = self._read_timeout
        if isinstance(connect_timeout, DefaultValue):
            connect_timeout = self._connect_timeout
        if isinstance(pool_timeout, DefaultValue):
            pool_timeout = self._pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write_timeout = self._media_write_timeout if files else self._write_timeout

        body: bytes | aiohttp.FormData | None = None
        headers = None
        if request_data is not None:
            if files:
                body = _multipart(request_data)
            else:
                body = _ENCODE(request_data.parameters).encode()
                headers = _JSON_HEADERS

        slots = self._slots
        if slots.locked():  # every connection busy: wait at most pool_timeout for one
            try:
                async with asyncio.timeout(pool_timeout):
                    await slots.acquire()
            except TimeoutError as exc:
                raise TimedOut(POOL_TIMEOUT_MESSAGE) from exc
        else:
            await slots.acquire()  # free: returns at once
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=_timeout(read_timeout, write_timeout, connect_timeout),
            ) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
        finally:
            slots.release()
        if log.isEnabledFor(logging.DEBUG):
            # What httpx logs at INFO; the token in the URL is redacted by the formatter
            # (bot/logging_setup.py).
            log.debug("HTTP Request: %s %s %d", method, url, status)
        return status, payload


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """Files and the other parameters as multipart/form-data, as HTTPXRequest sends them:
    each parameter a field holding its JSON value, each file a part with its name and type."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        # quote_fields=False: the file name as UTF-8, quotes escaped (as httpx sends it),
        # not percent-encoded.
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
