"""The fetch policy is built from the settings' fetch room, whose defaults are the only ones."""

from __future__ import annotations

import pytest

from scrapers.fetch import FetchPolicy
from service.config import Settings, load_settings
from service.errors import ConfigError


def test_the_fetch_policy_is_the_fetch_room_and_states_no_default_of_its_own() -> None:
    settings = load_settings(fetch_contact_url="https://ensias.example/crawler", _env_file=None)
    policy = FetchPolicy.from_settings(settings)
    hand_made = FetchPolicy(contact_url="https://ensias.example/crawler")
    assert policy == hand_made
    assert (policy.concurrency, policy.retries, policy.allowed_networks) == (8, 2, ())
    fetch = load_settings(
        fetch_retries=7, fetch_contact_url="mailto:a@ensias.example", _env_file=None
    ).fetch
    assert FetchPolicy.from_settings(Settings(fetch=fetch, _env_file=None)).retries == 7


def test_a_crawler_that_cannot_say_who_runs_it_does_not_start() -> None:
    with pytest.raises(ConfigError, match="FETCH_CONTACT_URL is not set"):
        FetchPolicy.from_settings(Settings(_env_file=None))
