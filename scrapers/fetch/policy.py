"""The fetcher's rules, read once from the settings.

Every default is :class:`service.config.FetchSettings`'s: a policy built by hand (the FAQ fetch,
tests) differs from the configured one only where it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from service import __version__
from service.addresses import IPNetwork
from service.config import FetchSettings, Settings
from service.errors import ConfigError

#: The product token robots.txt groups are matched against.
PRODUCT_NAME = "mobility-catalog"

#: robots.txt bytes parsed at most (RFC 9309 asks crawlers to parse at least 500 KiB).
ROBOTS_MAX_BYTES = 500 * 1024

_DEFAULTS = FetchSettings()


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Politeness and safety limits; every request of the fetcher obeys them."""

    contact_url: str
    concurrency: int = _DEFAULTS.concurrency
    host_delay: float = _DEFAULTS.host_delay
    crawl_delay_cap: float = _DEFAULTS.crawl_delay_cap
    page_timeout: float = _DEFAULTS.page_timeout
    max_body_bytes: int = _DEFAULTS.max_body_bytes
    max_redirects: int = _DEFAULTS.max_redirects
    retries: int = _DEFAULTS.retries
    backoff_base: float = _DEFAULTS.backoff_base
    retry_after_cap: float = _DEFAULTS.retry_after_cap
    allowed_networks: tuple[IPNetwork, ...] = field(default=tuple(_DEFAULTS.allowed_networks))

    @property
    def user_agent(self) -> str:
        """Names the crawler and who runs it, as robots.txt authors and site admins expect."""
        if not self.contact_url:  # an operator-named page (the FAQ) needs no crawler contact
            return f"{PRODUCT_NAME}/{__version__}"
        return f"{PRODUCT_NAME}/{__version__} (+{self.contact_url})"

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy of ``settings``; a crawler that cannot say who runs it does not start."""
        fetch = settings.fetch
        if fetch.contact_url is None:
            raise ConfigError(
                "FETCH_CONTACT_URL is not set: the crawler must say who runs it "
                "(an http(s) page or a mailto: address, sent in the User-Agent)"
            )
        limits = {item.name: getattr(fetch, item.name) for item in fields(cls)}
        return cls(**(limits | {"allowed_networks": tuple(fetch.allowed_networks)}))
