"""Settings: database URLs, defaults and secrets."""

from __future__ import annotations

from ipaddress import IPv4Network
from pathlib import Path

import pytest

from service.config import (
    Settings,
    WebhookSettings,
    load_settings,
    parse_database_url,
    setting_variables,
)
from service.errors import ConfigError


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("postgresql://u:p@db:5432/cat", "postgresql+asyncpg"),
        ("postgres://u@db/cat", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@db/cat", "postgresql+asyncpg"),
        ("sqlite:///var/x.sqlite3", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:////abs/x.sqlite3", "sqlite+aiosqlite"),
    ],
)
def test_database_url_gets_its_async_driver(raw: str, driver: str) -> None:
    assert parse_database_url(raw).drivername == driver


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://root@db/x", "scheme 'mysql' is not supported"),
        ("sqlite://", "SQLite needs a file path"),
        ("postgresql:///cat", "PostgreSQL needs a host"),
        ("not a url", "not a URL"),
    ],
)
def test_bad_database_url_is_one_readable_line(raw: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(database_url=raw, _env_file=None)
    text = str(caught.value)
    assert message in text
    assert text.startswith("invalid configuration: DATABASE_URL: ")
    assert "\n" not in text


def test_without_database_url_the_default_is_a_sqlite_file_under_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", _env_file=None)
    assert settings.database.drivername == "sqlite+aiosqlite"
    assert settings.database.database == str(tmp_path / "var" / "mobility.sqlite3")


def test_password_is_secret_in_repr_and_display() -> None:
    settings = load_settings(database_url="postgresql://app:hunter2@db/cat", _env_file=None)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in settings.database_display
    assert settings.database.password == "hunter2"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@envhost/cat")
    monkeypatch.setenv("DB_POOL_SIZE", "7")
    settings = load_settings(_env_file=None)
    assert settings.database.host == "envhost"
    assert settings.db.pool_size == 7


def test_settings_read_a_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text(
        "DATABASE_URL=sqlite:///from-file.sqlite3\nLOG_LEVEL=DEBUG\n", encoding="utf-8"
    )
    settings = load_settings(_env_file=env_file)
    assert settings.database.database == "from-file.sqlite3"
    assert settings.log_level == "DEBUG"


def test_fetch_allowed_networks_is_empty_by_default_and_read_comma_separated() -> None:
    assert Settings(_env_file=None).fetch.allowed_networks == []
    settings = load_settings(fetch_allowed_networks="127.0.0.1/32, ::1/128", _env_file=None)
    assert [str(net) for net in settings.fetch.allowed_networks] == ["127.0.0.1/32", "::1/128"]


def test_every_fetch_variable_is_read_into_the_fetch_room(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    values = {
        "FETCH_CONTACT_URL": "mailto:crawler@ensias.example",
        "FETCH_CONCURRENCY": "3",
        "FETCH_HOST_DELAY": "2.5",
        "FETCH_CRAWL_DELAY_CAP": "12",
        "FETCH_PAGE_TIMEOUT": "9",
        "FETCH_MAX_BODY_BYTES": "4096",
        "FETCH_MAX_REDIRECTS": "1",
        "FETCH_RETRIES": "0",
        "FETCH_BACKOFF_BASE": "0.5",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    env_file = tmp_path / ".env"
    env_file.write_text("FETCH_RETRY_AFTER_CAP=60\nFETCH_ALLOWED_NETWORKS=10.0.0.0/8\n")
    fetch = load_settings(_env_file=env_file, fetch_concurrency=4).fetch
    assert fetch.model_dump() == {
        "contact_url": "mailto:crawler@ensias.example",
        "concurrency": 4,  # an argument wins over the environment, as for any setting
        "host_delay": 2.5,
        "crawl_delay_cap": 12.0,
        "page_timeout": 9.0,
        "max_body_bytes": 4096,
        "max_redirects": 1,
        "retries": 0,
        "backoff_base": 0.5,
        "retry_after_cap": 60.0,
        "allowed_networks": [IPv4Network("10.0.0.0/8")],
    }
    assert {f"FETCH_{name}".upper() for name in fetch.model_dump()} <= setting_variables()


def test_a_bad_allowed_network_is_one_readable_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(fetch_allowed_networks="127.0.0.300/32", _env_file=None)
    assert str(caught.value) == (
        "invalid configuration: FETCH_ALLOWED_NETWORKS: "
        "'127.0.0.300/32' does not appear to be an IPv4 or IPv6 network"
    )


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        ("https://ensias.example/crawler", True),
        ("mailto:mobilite@ensias.example", True),
        ("ensias.example", False),
        ("mailto:nobody", False),
        ("ftp://ensias.example/", False),
    ],
)
def test_the_contact_url_must_be_reachable_by_a_human(raw: str, accepted: bool) -> None:
    if accepted:
        assert load_settings(fetch_contact_url=raw, _env_file=None).fetch.contact_url == raw
    else:
        with pytest.raises(ConfigError, match="FETCH_CONTACT_URL: must be an http"):
            load_settings(fetch_contact_url=raw, _env_file=None)


def test_http_settings_read_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, http://localhost:5173")
    monkeypatch.setenv("CORS_ALLOW_HEADERS", "Authorization,sentry-trace ,")
    monkeypatch.setenv("TRUSTED_DOCUMENTS_FILE", "/srv/trusted.json")
    settings = Settings(_env_file=None)
    assert settings.cors.origins == ["https://a.example", "http://localhost:5173"]
    assert settings.cors.allow_headers == ["Authorization", "sentry-trace"]
    assert settings.trusted_documents_file == Path("/srv/trusted.json")
    assert (settings.http_cache_max_age_seconds, settings.compression_min_bytes) == (30, 1_024)
    assert settings.persisted_queries_bytes == 4 * 1024 * 1024


def test_a_copy_given_flat_names_changes_their_room() -> None:
    settings = load_settings(_env_file=None)
    copy = settings.model_copy(update={"webhook_max_attempts": 2, "fetch_retries": 0})
    assert (copy.webhook.max_attempts, copy.fetch.retries) == (2, 0)
    assert settings.webhook.max_attempts == WebhookSettings().max_attempts
    assert not hasattr(copy, "webhook_max_attempts")
