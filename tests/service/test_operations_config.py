"""Settings of the operations side: admin token, schedules, webhooks, log format."""

from __future__ import annotations

import pytest

from service.config import load_settings, setting_variables
from service.errors import ConfigError
from service.http_urls import parse_http_url


def test_defaults_disable_admin_and_webhooks_and_schedule_daily_and_weekly() -> None:
    settings = load_settings(_env_file=None)
    assert settings.admin.token is None
    assert settings.webhook.urls == []
    assert settings.faq.schedule == "0 3 * * *"
    assert settings.sync.schedule == "0 4 * * 1"
    assert settings.faq.source is None


def test_the_faq_and_back_off_variables_keep_their_names_and_fill_their_rooms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = {
        "FAQ_SOURCE": "https://ensias.example/faq/",
        "FAQ_SCHEDULE": "30  2 * * *",
        "FAQ_FETCH_TIMEOUT": "7.5",
        "FAQ_MAX_BYTES": "4096",
        "FAQ_MAX_ITEMS": "90",
        "FAQ_MAX_SCHOOLS": "80",
        "SCHOOL_BACKOFF_AFTER_FAILURES": "5",
        "SCHOOL_BACKOFF_BASE_SECONDS": "60",
        "SCHOOL_BACKOFF_CAP_SECONDS": "600",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None, faq_max_items=70)
    assert settings.faq.model_dump() == {
        "source": "https://ensias.example/faq/",
        "schedule": "30 2 * * *",
        "fetch_timeout": 7.5,
        "max_bytes": 4096,
        "max_items": 70,  # an argument wins over the environment, as for any setting
        "max_schools": 80,
    }
    assert settings.school_backoff.model_dump() == {
        "after_failures": 5,
        "base_seconds": 60,
        "cap_seconds": 600,
    }
    assert set(values) <= setting_variables()
    copy = settings.model_copy(update={"school_backoff_cap_seconds": 900})
    assert (copy.school_backoff.base_seconds, copy.school_backoff.cap_seconds) == (60, 900)


def test_webhook_urls_are_read_from_one_variable_separated_by_commas_or_spaces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_URLS", "https://a.example/hook, http://b.example:8080/x  https://c")
    monkeypatch.setenv("WEBHOOK_SECRET", "s" * 32)
    settings = load_settings(_env_file=None)
    assert settings.webhook.urls == [
        "https://a.example/hook",
        "http://b.example:8080/x",
        "https://c",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"faq_schedule": "every day"}, "FAQ_SCHEDULE: 'every day' is not a cron expression"),
        ({"sync_schedule": "0 25 * * *"}, "SYNC_SCHEDULE: '0 25 * * *' is not a cron expression"),
        ({"admin_token": "hunter2"}, "ADMIN_TOKEN: must be at least 16 characters long"),
        (
            {"webhook_urls": "https://ok.example ftp://f.example/x", "webhook_secret": "k" * 16},
            "WEBHOOK_URLS: 'ftp://f.example/x' is not an http or https URL",
        ),
        ({"webhook_urls": "https://ok.example"}, "WEBHOOK_URLS is set but WEBHOOK_SECRET is not"),
        (
            {"school_backoff_base_seconds": 100, "school_backoff_cap_seconds": 10},
            "SCHOOL_BACKOFF_CAP_SECONDS is below SCHOOL_BACKOFF_BASE_SECONDS",
        ),
    ],
)
def test_bad_operations_settings_are_one_readable_line(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, **overrides)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_blank_admin_token_means_disabled_and_the_token_is_never_shown() -> None:
    assert load_settings(_env_file=None, admin_token="  ").admin.token is None
    settings = load_settings(_env_file=None, admin_token="correct-horse-battery")
    assert "correct-horse-battery" not in repr(settings)


@pytest.mark.parametrize(
    ("environment", "log_format", "structured"),
    [
        ("development", "auto", False),
        ("production", "auto", True),
        ("development", "json", True),
        ("production", "text", False),
    ],
)
def test_log_format_auto_follows_the_environment(
    environment: str, log_format: str, structured: bool
) -> None:
    settings = load_settings(_env_file=None, environment=environment, log_format=log_format)
    assert settings.structured_logs is structured


@pytest.mark.parametrize(
    "url", ["https://partner.example/faq", "http://127.0.0.1:8080/x?y=1#z", "HTTPS://Ex.example"]
)
def test_http_urls_are_accepted(url: str) -> None:
    assert parse_http_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("javascript:alert(1)", "not an http or https URL"),
        ("file:///etc/passwd", "not an http or https URL"),
        ("https://", "has no host"),
        ("https://user:pw@example.org/", "user name or password"),
        ("https://example.org/a b", "spaces or control characters"),
        ("https://example.org:99999/", "not a valid URL"),
        ("https://example.org/" + "a" * 2048, "longer than 2048"),
        ("//example.org/x", "not an http or https URL"),
    ],
)
def test_other_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_http_url(url)
