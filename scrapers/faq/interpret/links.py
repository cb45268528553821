"""The links of the page: normalized URLs, their role, and what looks wrong with them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from scrapers.faq.interpret.findings import FindingSpec, LinkKey
from service.db import LinkRole
from service.text import fold

#: Characters left as they are when percent-encoding a URL part (RFC 3986 reserved + "%").
_SAFE = "/%:@!$&'()*+,;=-._~?#[]"
_LANGUAGE_PATH = re.compile(r"/?(?:[a-z]{2}(?:[-_][a-z]{2})?)?/?")
_EXCHANGE_WORDS = (
    "international",
    "exchange",
    "echange",
    "venir",
    "incoming",
    "mobilit",
    "study-abroad",
    "erasmus",
)
#: Host labels that say nothing about whose site it is.
_GENERIC_LABELS = frozenset({"www", "web", "en", "fr", "portail", "portale", "site"})


def normalize_url(raw: str) -> str | None:
    """An absolute http(s) URL with non-ASCII characters percent-encoded; None otherwise."""
    raw = raw.strip()
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    url = urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            quote(parts.path, safe=_SAFE),
            quote(parts.query, safe=_SAFE),
            quote(parts.fragment, safe=_SAFE),
        )
    )
    # The page's own string when it was already normal (most are): the item's URL and the
    # link's are then one object, not two (decision 0207).
    return raw if url == raw else url


def without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def origin(url: str) -> str:
    """The site of a URL: https://phelma.grenoble-inp.fr/fr/… → https://phelma.grenoble-inp.fr/."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def classify_link(url: str, *, has_programme: bool) -> LinkRole:
    """A site's root (or its language root) is its homepage; a page about incoming students
    is an exchange page; an item's link that names a programme is that programme's page."""
    parts = urlsplit(url)
    if not parts.query and _LANGUAGE_PATH.fullmatch(parts.path.lower()):
        return LinkRole.HOMEPAGE
    if has_programme:
        return LinkRole.PROGRAMME_PAGE
    path = fold(unquote(parts.path))
    if any(word in path for word in _EXCHANGE_WORDS):
        return LinkRole.EXCHANGE_PAGE
    return LinkRole.OTHER


def host_labels(url: str) -> list[str]:
    """Host labels that may name a school: esisar.grenoble-inp.fr → esisar, grenoble-inp."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")[:-1]  # the top-level domain names no one
    return [label for label in labels if label and label not in _GENERIC_LABELS]


def url_findings(
    raw: str, key: LinkKey, *, school_slug: str, line: int | None, label: str
) -> list[FindingSpec]:
    """Plain http, a fragment, non-ASCII characters: worth knowing, not wrong."""
    url = key[0]
    noted: list[tuple[str, str, dict[str, object]]] = []
    if url.startswith("http://"):
        noted.append(("plain_http_link", "the link is plain http", {}))
    if "#" in url:
        noted.append(("url_fragment", f"the link has a fragment (#{url.split('#', 1)[1]})", {}))
    if not unquote(raw).isascii():
        noted.append(
            (
                "non_ascii_url",
                "the link has non-ASCII characters, stored encoded",
                {"as_written": unquote(raw)},
            )
        )
    return [
        FindingSpec(
            kind=kind,
            message=f"{label}: {what}: {url}",
            subject=f"{school_slug} {url}",
            line=line,
            school_slug=school_slug,
            link_key=key,
            detail={"url": url, **more},
        )
        for kind, what, more in noted
    ]


def foreign_owners(
    url: str, allowed: Iterable[str], identifiers: Mapping[str, Collection[str]]
) -> list[str]:
    """Schools other than ``allowed`` whose identifier is a label of the URL's host.

    ``identifiers`` maps a slug-like identifier ("esisar", "grenoble-inp") to the slugs of the
    schools it names. The ENSEIRB-MATMECA item linking to esisar.grenoble-inp.fr gives Esisar
    and Grenoble INP.
    """
    allowed_set = set(allowed)
    found: list[str] = []
    for label in host_labels(url):
        for slug in sorted(identifiers.get(label, ())):
            if slug not in allowed_set and slug not in found:
                found.append(slug)
    return found
