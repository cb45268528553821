"""Is a fetched page about the school it was fetched for? Pure checks, no database.

A page is not evidence about a school when it is a soft 404 (a deep link that lands on a
homepage, or a page that says it was not found), when it lives on another partner's site, or
when its title and organisation name match none of the school's names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlsplit

from scrapers.extract import PageExtraction, compile_cues
from service.catalogue import FactField, Name
from service.text import fold

#: Words every institution's name may hold: they say nothing about which one it is.
# fmt: off
_INSTITUTION_WORDS = {
    "university", "universite", "universita", "universitat", "universidad", "yliopisto",
    "school", "ecole", "scuola", "hochschule", "korkeakoulu", "institute", "institut",
    "istituto", "college", "faculty", "faculte", "technology", "technologie", "technische",
    "national", "nationale", "superieure", "engineering", "ingenieurs", "ingenieur",
    "the", "of", "de", "du", "des", "la", "le", "les", "di", "della", "del", "der", "fur",
    "and", "et", "e", "und", "ja", "d", "l",
}
# fmt: on
_TOKEN = re.compile(r"[a-z0-9]+")
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014\u00b7:-]\s+|\s*\|\s*")
_NOT_FOUND = compile_cues(
    r"404|page not found|not found|page introuvable|n'existe pas|pagina non trovata"
    r"|non trovata|seite nicht gefunden|nicht gefunden|sivua ei loytynyt|ei loytynyt"
)
_ROOT_PAGES = {"", "index.html", "index.htm", "index.php", "home", "accueil", "etusivu"}
_SIMILAR = 0.85


def _distinctive(name: str) -> list[str]:
    return [token for token in _TOKEN.findall(fold(name)) if token not in _INSTITUTION_WORDS]


def names_match(one: str, other: str) -> bool:
    """Whether two names designate the same institution (accents, case, generic words aside)."""
    mine, theirs = _distinctive(one), _distinctive(other)
    if not mine or not theirs:
        return False
    if set(mine) <= set(theirs) or set(theirs) <= set(mine):
        return True
    return difflib.SequenceMatcher(None, " ".join(mine), " ".join(theirs)).ratio() >= _SIMILAR


def page_names(page: PageExtraction) -> list[str]:
    """What the page calls itself: its title, each part of its title, its organisation name."""
    names: list[str] = []
    title = page.title
    if title:
        names += [title, *(part for part in _TITLE_SEPARATORS.split(title) if part.strip())]
    names += [
        fact.value.name
        for fact in page.of(FactField.NAME)
        if isinstance(fact.value, Name) and fact.value.name
    ]
    return names


def identity_mismatch(page: PageExtraction, school_names: Sequence[str]) -> str | None:
    """Why the page is not about a school with these names, or ``None`` when it is (or mute)."""
    names = page_names(page)
    if not names or not any(_distinctive(name) for name in school_names):
        return None
    if any(names_match(mine, theirs) for mine in school_names for theirs in names):
        return None
    return f"the page calls itself {names[0]!r}, which matches none of {list(school_names)!r}"


def _is_root(url: str) -> bool:
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if segments and len(segments[0]) == 2 and segments[0].isalpha():
        segments = segments[1:]  # /en/, /fr/accueil
    return len(segments) <= 1 and (not segments or segments[0].lower() in _ROOT_PAGES)


def soft_404(page: PageExtraction) -> str | None:
    """Why the page is a soft 404, or ``None``."""
    requested = page.requested_url or page.url
    canonical = page.canonical_url
    if not _is_root(requested):
        for landed in (page.url, canonical):
            if landed and _is_root(landed) and host_of(landed) == host_of(requested):
                return f"{requested} lands on the homepage {landed}"
    title = page.title
    if title and _NOT_FOUND.search(fold(title)):
        return f"the page says it was not found: {title!r}"
    return None


def host_of(url: str) -> str:
    """The site of ``url``: its host, lower case, without ``www.``, with an explicit port.

    The port is kept so that sites served side by side on one machine (``127.0.0.1:8001``,
    ``127.0.0.1:8002``) stay distinct.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a malformed port is no port
        port = None
    return f"{host}:{port}" if host and port is not None else host


def other_partner_site(page: PageExtraction, others: Mapping[str, str]) -> str | None:
    """The slug of the other partner whose site hosts the page, or ``None``.

    ``others`` maps hosts of other partners' websites and links to their slugs. Two schools
    may share a site: the caller asks this only of pages that do not name the school.
    """
    return others.get(host_of(page.url))
