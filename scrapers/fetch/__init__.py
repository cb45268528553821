"""The downloader: polite and safe fetching of partner pages (see :mod:`.fetcher`).

Everything that reaches the web goes through :class:`Fetcher`; the rest of the code base imports
these names, never httpx.
"""

from scrapers.fetch.fetcher import Fetcher
from scrapers.fetch.policy import FetchPolicy
from scrapers.fetch.resolve import MappingResolver, Resolver, resolve_with_system
from scrapers.fetch.results import (
    BodyOverCapError,
    FetchedPage,
    FetchError,
    FetchResult,
    Hop,
    Validators,
)
from scrapers.fetch.stats import format_stats
from scrapers.fetch.targets import UnsupportedUrlError, parse_target
from scrapers.fetch.verdict import Answer
from scrapers.fetch.window import PageWindow

__all__ = [
    "Answer",
    "BodyOverCapError",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "FetchedPage",
    "Fetcher",
    "Hop",
    "MappingResolver",
    "PageWindow",
    "Resolver",
    "UnsupportedUrlError",
    "Validators",
    "format_stats",
    "parse_target",
    "resolve_with_system",
]
