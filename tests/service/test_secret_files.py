"""Secrets from ``*_FILE`` and the database URL from its parts (compose secrets, decision 0055)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from service.config import load_settings
from service.db.engine import create_engine
from service.errors import ConfigError
from tests.databases import postgres_server_url
from tests.processes import MOBILITY, process_env

#: Every character that breaks a password pasted into a URL.
AWKWARD = "p@ss/w:rd%40#?&"


def _secret(tmp_path: Path, name: str, value: str) -> Path:
    path = tmp_path / name
    path.write_text(value + "\n", encoding="utf-8")
    return path


def test_secrets_are_read_from_their_files_and_a_variable_set_directly_wins(
    tmp_path: Path,
) -> None:
    token = _secret(tmp_path, "admin_token", "token-from-a-file-0123")
    hook = _secret(tmp_path, "webhook_secret", "secret-from-a-file-0123")
    settings = load_settings(admin_token_file=token, webhook_secret_file=hook, _env_file=None)
    assert settings.admin.token is not None
    assert settings.webhook.secret is not None
    assert settings.admin.token.get_secret_value() == "token-from-a-file-0123"
    assert settings.webhook.secret.get_secret_value() == "secret-from-a-file-0123"
    direct = load_settings(
        admin_token="token-set-directly-0123", admin_token_file=token, _env_file=None
    )
    assert direct.admin.token is not None
    assert direct.admin.token.get_secret_value() == "token-set-directly-0123"


def test_a_room_secret_is_read_from_its_file_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment nests WEBHOOK_SECRET_FILE into the webhook room before the room reads it.
    hook = _secret(tmp_path, "webhook_secret", "secret-from-a-file-4567")
    monkeypatch.setenv("WEBHOOK_SECRET_FILE", str(hook))
    monkeypatch.setenv("WEBHOOK_URLS", "https://receiver.example/hook")
    settings = load_settings(_env_file=None)
    assert settings.webhook.secret is not None
    assert settings.webhook.secret.get_secret_value() == "secret-from-a-file-4567"
    monkeypatch.setenv("WEBHOOK_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match=r"WEBHOOK_SECRET_FILE: cannot read .*absent"):
        load_settings(_env_file=None)


def test_a_missing_or_short_secret_file_is_one_line_without_the_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ADMIN_TOKEN_FILE: cannot read .*absent: No such file"):
        load_settings(admin_token_file=tmp_path / "absent", _env_file=None)
    short = _secret(tmp_path, "short", "tiny-secret")
    with pytest.raises(ConfigError) as refused:
        load_settings(admin_token_file=short, _env_file=None)
    assert "tiny-secret" not in str(refused.value)
    assert "at least 16 characters" in str(refused.value)


def test_the_database_url_is_built_from_parts_with_each_part_escaped(tmp_path: Path) -> None:
    password = _secret(tmp_path, "db_password", AWKWARD)
    settings = load_settings(
        database_host="db",
        database_user="mobility",
        database_password_file=password,
        database_name="mobility",
        _env_file=None,
    )
    url = settings.database
    assert (url.host, url.port, url.username, url.password, url.database) == (
        "db", 5432, "mobility", AWKWARD, "mobility"
    )  # fmt: skip
    assert settings.database_display == "postgresql+asyncpg://mobility:***@db:5432/mobility"
    assert "p@ss" not in repr(settings)


async def test_a_url_built_from_parts_connects_to_postgres_with_an_awkward_password(
    tmp_path: Path,
) -> None:
    server = postgres_server_url()
    settings = load_settings(
        database_host=server.host,
        database_port=server.port or 5432,
        database_user=server.username,
        database_password_file=_secret(tmp_path, "db_password", AWKWARD),
        database_name=server.database,
        _env_file=None,
    )
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("select current_user")) == server.username
    finally:
        await engine.dispose()


def test_an_unreachable_database_error_never_shows_the_password(tmp_path: Path) -> None:
    env = process_env(
        DATABASE_HOST="127.0.0.1",
        DATABASE_PORT="9",  # discard: nothing listens there
        DATABASE_USER="mobility",
        DATABASE_PASSWORD_FILE=str(_secret(tmp_path, "db_password", AWKWARD)),
        DATABASE_NAME="mobility",
        DB_CONNECT_TIMEOUT="3",
    )
    done = subprocess.run(
        [*MOBILITY, "db", "current"], env=env, cwd=tmp_path, capture_output=True, timeout=60
    )
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 3, output
    assert output.startswith("mobility: error: "), output
    for fragment in ("p@ss", "w:rd", "%40#", AWKWARD):
        assert fragment not in output
