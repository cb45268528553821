"""The page's links, owned by schools or programmes, and the checks across them.

Each item's link is stored for its programme when it is the programme's page, otherwise for its
school. Across the page: a link whose host names another school of the page (the
ENSEIRB-MATMECA item links to esisar.grenoble-inp.fr) and a URL given for two owners are
reported. A school's website is its homepage link, or the site of its first link that does not
point elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapers.faq.interpret.catalogue import Catalogue, SchoolSpec
from scrapers.faq.interpret.findings import FindingLog, FindingSpec, LinkKey
from scrapers.faq.interpret.links import (
    classify_link,
    foreign_owners,
    normalize_url,
    origin,
    url_findings,
    without_fragment,
)
from service.db import LinkRole
from service.text import slugify


@dataclass(frozen=True, slots=True)
class _Use:
    """A URL as one item gives it."""

    school: str
    raw: str
    programme: str | None
    line: int | None
    main: bool


def _label(school: SchoolSpec) -> str:
    return school.short_name or school.name


def _identifiers(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}

    def name(identifier: str, slug: str) -> None:
        known = names.get(identifier, ())
        if slug not in known:
            names[identifier] = (*known, slug)

    for slug, school in catalogue.schools.items():
        name(slug, slug)
        # Without a short name the slug is the name's; with one, the long name is another.
        if school.short_name:
            name(slugify(school.name), slug)
    return names


def _ancestors(catalogue: Catalogue, slug: str) -> set[str]:
    found = {slug}
    school = catalogue.schools.get(slug)
    while school is not None and school.parent_slug and school.parent_slug not in found:
        found.add(school.parent_slug)
        school = catalogue.schools.get(school.parent_slug)
    return found


class LinkBook:
    """Collects the items' URLs; :meth:`finish` turns them into links, websites and findings."""

    def __init__(self, findings: FindingLog) -> None:
        self._findings = findings
        self._uses: list[_Use] = []

    def add_item(
        self,
        school: str,
        programme: str | None,
        url: str | None,
        extra_urls: tuple[str, ...],
        line: int | None,
    ) -> None:
        """An item's first link (``url``, the programme's page when it names one) and the
        others (``extra_urls``), at its ``line``."""
        if url is not None:
            self._uses.append(_Use(school, url, programme, line, main=True))
        for extra in extra_urls:
            self._uses.append(_Use(school, extra, None, line, main=False))

    def finish(self, catalogue: Catalogue) -> None:
        identifiers = _identifiers(catalogue)
        #: Each URL's (without its fragment) first link key, whose owner is its school slug or
        #: programme key; a second owner is reported once (the URLs it was reported for). The
        #: first use of a URL is the first of its URL without fragment too, so the key's school
        #: is ``seen_first``'s for the key's URL: no (owner, school, key) tuple per URL beside
        #: the key (0.44 times the page's size at the interpretation's peak; decision 0386).
        first_owner: dict[str, LinkKey] = {}
        reported: set[str] = set()
        websites: dict[str, str] = {}
        #: The (school, URL) pairs already checked: each URL's first school, and the rare
        #: further pairs apart (a set of pairs was ~0.5 times the page's size; decision 0341).
        seen_first: dict[str, str] = {}
        seen_more: set[tuple[str, str]] = set()
        # In page order, each use let go as it is read (decision 0207).
        uses, self._uses = self._uses, []
        uses.reverse()
        while uses:
            use = uses.pop()
            school = catalogue.schools[use.school]
            url = normalize_url(use.raw)
            if url is None:
                self._findings.add(
                    FindingSpec(
                        kind="bad_link",
                        message=f"{_label(school)}: not an absolute http(s) link: {use.raw!r}",
                        subject=f"{use.school} {use.raw}",
                        line=use.line,
                        school_slug=use.school,
                    )
                )
                continue
            role = classify_link(url, has_programme=use.main and use.programme is not None)
            key: LinkKey = (
                (url, None, use.programme)
                if role is LinkRole.PROGRAMME_PAGE
                else (url, use.school, None)
            )
            catalogue.links.setdefault(key, role)
            if role is LinkRole.PROGRAMME_PAGE and use.programme is not None:
                programme = catalogue.programmes[use.programme]
                programme.url = programme.url or url
            first_school = seen_first.get(url)
            if first_school is None:
                seen_first[url] = use.school
            elif first_school == use.school or (use.school, url) in seen_more:
                continue
            else:
                seen_more.add((use.school, url))
            for finding in url_findings(
                use.raw, key, school_slug=use.school, line=use.line, label=_label(school)
            ):
                self._findings.add(finding)
            allowed = _ancestors(catalogue, use.school)
            if use.programme is not None:
                allowed |= set(catalogue.programmes[use.programme].school_slugs)
            foreign = foreign_owners(url, allowed, identifiers)
            if foreign:
                others = ", ".join(_label(catalogue.schools[slug]) for slug in foreign)
                self._findings.add(
                    FindingSpec(
                        kind="link_to_other_school",
                        message=f"{_label(school)}'s link points at the site of {others}: {url}",
                        subject=f"{use.school} {url}",
                        line=use.line,
                        school_slug=use.school,
                        link_key=key,
                        detail={"url": url, "other_schools": foreign},
                    )
                )
            elif role is LinkRole.HOMEPAGE:
                websites[use.school] = url
            else:
                websites.setdefault(use.school, origin(url))
            bare = without_fragment(url)
            owner = key[1] or key[2]
            first = first_owner.setdefault(bare, key)
            if (first[1] or first[2]) != owner and bare not in reported:
                reported.add(bare)
                owners = [(seen_first[first[0]], first), (use.school, key)]
                self._report_duplicate(catalogue, url, owners, use.line)
        for slug, website in websites.items():
            catalogue.schools[slug].website = website

    def _report_duplicate(
        self, catalogue: Catalogue, url: str, owners: list[tuple[str, LinkKey]], line: int | None
    ) -> None:
        (first, _), (second, key) = owners
        names = " and ".join(
            dict.fromkeys(_label(catalogue.schools[slug]) for slug in (first, second))
        )
        self._findings.add(
            FindingSpec(
                kind="duplicate_link",
                message=f"the same link is given for {names}: {url}",
                subject=without_fragment(url),
                line=line,
                school_slug=second,
                link_key=key,
                detail={"url": url, "schools": [first, second]},
            )
        )
