"""Operator settings, read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Telegram tokens look like "123456789:AA..."; our emulator accepts "123456:TEST" too.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{4,}$")
TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL
    telegram_api_file_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./toolbox.db"
    default_timezone: str = "America/New_York"
    log_level: str = "INFO"
    log_format: Literal["plain", "json"] = "plain"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    # GET /healthz in every process, standbys too (0: off; webhook mode serves it anyway).
    health_listen: str = "127.0.0.1"
    health_port: int = 0
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Off only against a Bot API server without flood control (bench/updates.py).
    flood_limits: bool = True
    # The reminder dispatcher: how often it looks for due reminders, how many it claims at
    # once, and how long a claim holds them (must exceed the time to send one batch).
    reminder_tick_seconds: float = Field(default=5.0, gt=0)
    reminder_batch_size: int = Field(default=100, ge=1, le=1000)
    reminder_lease_seconds: int = Field(default=120, ge=10)
    reminder_send_timeout: float = Field(default=10.0, gt=0)  # seconds to wait for Telegram
    # Reminders go out evenly at this pace, just under Telegram's 30 messages a second. The
    # bot's rate limiter holds each of the 30 slots until a second after Telegram answered,
    # so jitter cannot earn a 429 whatever this says; it only keeps sends spread out.
    reminder_sends_per_second: float = Field(default=29.7, gt=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "1,2 3" in an env file is friendlier than JSON.
        if isinstance(value, str):
            return [int(part) for part in re.split(r"[,\s]+", value.strip()) if part]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @cached_property
    def file_base_url(self) -> str:
        """Telegram serves files at /file/bot<token>; derive it from the API base by default."""
        if self.telegram_api_file_url:
            return self.telegram_api_file_url.rstrip("/")
        base = self.telegram_api_base_url
        head, sep, tail = base.rpartition("/bot")
        return f"{head}/file/bot{tail}" if sep else f"{base}/file/bot"

    def token(self) -> str:
        """The bot token, or a `SettingsError` naming the setting to fix."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
        value = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(value):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and the secret "
                "(like 123456789:AAE...) as @BotFather gives it"
            )
        return value


class SettingsError(ValueError):
    """A setting an operator must fix; the message names it and never shows secrets."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:  # pydantic.ValidationError subclasses ValueError
        first = exc.errors()[0] if hasattr(exc, "errors") else None
        if first:
            name = ".".join(str(p) for p in first["loc"]).upper()
            raise SettingsError(f"{name} is invalid: {first['msg']}") from None
        raise SettingsError(str(exc)) from None
