"""The fetcher's rules, read once from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from service import __version__
from service.addresses import IPNetwork
from service.config import Settings
from service.errors import ConfigError

#: The product token robots.txt groups are matched against.
PRODUCT_NAME = "mobility-catalog"

#: robots.txt bytes parsed at most (RFC 9309 asks crawlers to parse at least 500 KiB).
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Politeness and safety limits; every request of the fetcher obeys them."""

    contact_url: str
    concurrency: int = 8
    host_delay: float = 1.0
    crawl_delay_cap: float = 30.0
    page_timeout: float = 30.0
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff_base: float = 1.0
    retry_after_cap: float = 120.0
    allowed_networks: tuple[IPNetwork, ...] = field(default=())

    @property
    def user_agent(self) -> str:
        """Names the crawler and who runs it, as robots.txt authors and site admins expect."""
        if not self.contact_url:  # an operator-named page (the FAQ) needs no crawler contact
            return f"{PRODUCT_NAME}/{__version__}"
        return f"{PRODUCT_NAME}/{__version__} (+{self.contact_url})"

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy of ``settings``; a crawler that cannot say who runs it does not start."""
        if settings.fetch_contact_url is None:
            raise ConfigError(
                "FETCH_CONTACT_URL is not set: the crawler must say who runs it "
                "(an http(s) page or a mailto: address, sent in the User-Agent)"
            )
        return cls(
            contact_url=settings.fetch_contact_url,
            concurrency=settings.fetch_concurrency,
            host_delay=settings.fetch_host_delay,
            crawl_delay_cap=settings.fetch_crawl_delay_cap,
            page_timeout=settings.fetch_page_timeout,
            max_body_bytes=settings.fetch_max_body_bytes,
            max_redirects=settings.fetch_max_redirects,
            retries=settings.fetch_retries,
            backoff_base=settings.fetch_backoff_base,
            retry_after_cap=settings.fetch_retry_after_cap,
            allowed_networks=tuple(settings.fetch_allowed_networks),
        )
