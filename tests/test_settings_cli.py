"""The operator's first minute: a missing or malformed token is one clear line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [(None, "TELEGRAM_BOT_TOKEN is not set"), ("not-a-token", "TELEGRAM_BOT_TOKEN is malformed")],
)
def test_run_without_a_good_token_fails_with_one_line(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    env = {"TELEGRAM_BOT_TOKEN": token} if token else {}
    result = run_bot("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stderr


def test_token_never_printed_in_errors() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(telegram_bot_token="123456:hunter2 with spaces").token()
    assert "hunter2" not in str(error.value)


def test_admin_ids_and_file_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34 56")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    settings = load_settings()
    assert settings.admin_ids == [12, 34, 56]
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.file_base_url == "http://127.0.0.1:8081/file/bot"


def test_migrate_creates_a_database_at_head(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = run_bot("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database at head" in result.stdout
    again = run_bot("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
