"""Logging that never shows the bot token, whatever library logs a URL; plain lines, or one
JSON object per line (`LOG_FORMAT=json`) for a log collector.

The token is taken out of the finished line (message, arguments and traceback alike), so
an exception whose text carries a request URL is redacted too.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    def __init__(self, token: str | None, fmt: str | None = PLAIN) -> None:
        super().__init__(fmt)
        self._token = token or ""

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))

    def _redact(self, line: str) -> str:
        return line.replace(self._token, "<TOKEN>") if self._token else line


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time (UTC), level, logger, message, and the traceback."""

    def __init__(self, token: str | None) -> None:
        super().__init__(token, fmt=None)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            # The record's own creation time: logging is not product code reading a clock.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return self._redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(
    level: str, token: str | None = None, *, fmt: str = "plain", stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(token) if fmt == "json" else RedactingFormatter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Telegram URLs contain the token (redacted
    # above all the same).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
