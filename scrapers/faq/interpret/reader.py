"""Read a parsed page the way a careful human reads it, into a :class:`Catalogue`.

Each item is resolved (country heading, link text, counts); parent names are given one spelling;
mentions of the same school are merged; programmes shared through "commune avec" become one;
each count becomes an offer for the item's academic year and track scope. Whatever is corrected
or cannot be read becomes a finding: nothing is dropped silently.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from scrapers.faq.errors import SourceError
from scrapers.faq.interpret.catalogue import Catalogue, OfferKey, ProgrammeSpec
from scrapers.faq.interpret.countries import CountryResolver
from scrapers.faq.interpret.findings import FindingLog
from scrapers.faq.interpret.link_checks import LinkBook
from scrapers.faq.interpret.link_text import LinkText, NamedSchool
from scrapers.faq.interpret.mentions import Mention, MentionReader, texts_subject
from scrapers.faq.interpret.names import resolve_names
from scrapers.faq.interpret.programmes import ProgrammeGroups
from scrapers.faq.interpret.rules import parse_rules
from scrapers.faq.interpret.sanitize import sanitize_items
from scrapers.faq.interpret.schools import SchoolBook, school_slug
from scrapers.faq.read import Count, PageItem, ParsedPage
from service.db import OfferKind
from service.text import fold, slugify


def _check_year(year: str, line: int | None) -> str:
    first, second = (int(part) for part in year.split("/"))
    if second != first + 1:
        where = f"line {line}: " if line else ""
        raise SourceError(f"{where}academic year {year} is not two consecutive years")
    return year


def _text(mention: Mention) -> LinkText:
    """The mention's link text, while it is kept (until the programme groups are read)."""
    assert mention.text is not None, "the link text is read before the programme groups"
    return mention.text


class _Interpreter:
    def __init__(
        self,
        page: ParsedPage,
        resolver: CountryResolver,
        known_parents: Iterable[str],
        corrections: Mapping[str, str],
    ) -> None:
        self.page = page
        self.resolver = resolver
        self.known_parents = list(known_parents)
        self.corrections = corrections
        self.folded_parents = {fold(name) for name in self.known_parents}
        self.findings = FindingLog()
        self.catalogue = Catalogue(meta=page.meta)
        self.schools = SchoolBook(self.findings)
        self.links = LinkBook(self.findings)
        #: The hash of the texts of the item behind each offer (link text, tail), to tell a
        #: repeated item from a merge; kept while offers are read. The texts themselves kept
        #: every item's link text and tail alive until the last offer was read (decision 0385).
        self.raw_offers: dict[OfferKey, int] = {}

    def run(self) -> Catalogue:
        years = [_check_year(year, line) for line, year in self.page.academic_years]
        self.catalogue.academic_year = years[0] if years else None
        if self.page.items and not years:
            raise SourceError(
                "the page lists partners but gives no academic year "
                '("Ecoles et Chiffres de l\'année 2019/2020")'
            )
        reader = MentionReader(self.findings, self.resolver, self.folded_parents)
        reader.read_notes(self.page.notes)
        # The items are consumed: the page's list is emptied, and the items (with their mentions)
        # are released once offers and links are read, before schools and links are merged, so
        # that the parsed page and the whole catalogue never coexist in full (decision 0205).
        items, self.page.items = self.page.items, []
        items = sanitize_items(items, self.findings)
        mentions = self.read_mentions(reader, items)
        del items
        self.register_schools(mentions)
        self.read_programmes(mentions)
        self.read_offers_and_links(mentions)
        self.raw_offers = {}
        self.catalogue.schools = self.schools.finish()
        self.links.finish(self.catalogue)
        self.read_rules()
        self.catalogue.countries = {
            school.country_code for school in self.catalogue.schools.values()
        }
        self.catalogue.findings = self.findings.as_list()
        return self.catalogue

    def read_mentions(self, reader: MentionReader, items: list[PageItem]) -> list[Mention]:
        """The items read, in page order. A mention keeps its item's texts only when an earlier
        one's hashed alike: only such an item can repeat an earlier one (decision 0386)."""
        mentions: list[Mention] = []
        seen: set[int] = set()
        for item in items:
            mention = reader.read(item)
            if mention is None:
                continue
            if mention.raw in seen:
                mention.texts = (item.link_text, item.tail)
            else:
                seen.add(mention.raw)
            mentions.append(mention)
        return mentions

    # Schools and programmes -----------------------------------------------------------------

    def register_schools(self, mentions: list[Mention]) -> None:
        lines: dict[str, int | None] = {}
        written: list[str] = []
        for mention in mentions:
            text = _text(mention)
            for parents in (text.school.parents, *(partner.parents for partner in text.partners)):
                for name in parents:
                    written.append(name)
                    lines.setdefault(name, mention.line)
        names = resolve_names(written, self.known_parents, self.corrections)
        for correction in names.corrections:
            self.findings.note(
                "name_corrected",
                f"{correction.written!r} read as {correction.read_as!r}",
                fold(correction.written),
                lines.get(correction.written),
                detail={"written": correction.written, "read_as": correction.read_as},
            )
        for left, right in names.similar:
            self.findings.note(
                "similar_names",
                f"{left!r} and {right!r} look alike; kept apart",
                f"{fold(left)}|{fold(right)}",
                None,
            )

        def parent_chain(parents: tuple[str, ...], mention: Mention) -> str | None:
            above: str | None = None
            for name in reversed(parents):
                above = self.schools.add(
                    NamedSchool(names.canonical[name]),
                    country=mention.country,
                    line=mention.line,
                    parent=above,
                )
            return above

        for mention in mentions:
            text = _text(mention)
            mention.slug = self.schools.add(
                text.school,
                country=mention.country,
                line=mention.line,
                parent=parent_chain(text.school.parents, mention),
                listed=True,
                city=text.city,
            )
        for mention in mentions:
            for partner in _text(mention).partners:
                self.schools.add(
                    partner,
                    country=mention.country,
                    line=mention.line,
                    parent=parent_chain(partner.parents, mention),
                )

    def read_programmes(self, mentions: list[Mention]) -> None:
        groups = ProgrammeGroups()
        for mention in mentions:
            # The link text's last reader: let go, its programme's name kept (decision 0341).
            text, mention.text = _text(mention), None
            if text.programme is None:
                continue
            mention.programme_name = text.programme
            # Interned: a programme's name comes back for many schools (decision 0207).
            node = (mention.slug, sys.intern(slugify(text.programme)))
            groups.add(node)
            # Kept on the mention, not in a list beside the mentions (decision 0275).
            mention.node = node
            for partner in text.partners:
                groups.share(node, (school_slug(partner), node[1]))
        # One record per group, named below by the first mention in page order: no (key,
        # schools) tuple beside it (decision 0341).
        specs = groups.groups(lambda key, schools: ProgrammeSpec(key, "", schools))
        del groups
        programmes = self.catalogue.programmes
        for mention in mentions:
            if mention.node is None:
                continue
            spec = specs[mention.node]
            name, mention.programme_name = mention.programme_name, None
            mention.programme, mention.node = spec.key, None
            if spec.key not in programmes:
                assert name is not None  # a mention with a node names its programme
                spec.name = name
                programmes[spec.key] = spec

    # Offers ---------------------------------------------------------------------------------

    def read_offers_and_links(self, mentions: list[Mention]) -> None:
        """In page order, each mention (and its item) let go as soon as it is read: the list is
        emptied."""
        mentions.reverse()
        while mentions:
            mention = mentions.pop()
            self.add_offers(mention)
            self.links.add_item(
                mention.slug, mention.programme, mention.url, mention.extra_urls, mention.line
            )

    def add_offers(self, mention: Mention) -> None:
        year = mention.academic_year or self.catalogue.academic_year
        assert year is not None  # checked in run(): a page with items has a year
        scope = mention.track or ""
        counts: Iterable[Count | None] = mention.counts or (None,)
        offers = self.catalogue.offers
        raw = mention.raw
        for count in counts:
            kind: OfferKind | None = count.kind if count else None
            key: OfferKey = (mention.slug, mention.programme, kind, year, scope)
            places = count.places if count else None
            if key not in offers:
                offers[key] = places
                self.raw_offers[key] = raw
                if scope:
                    self.catalogue.tracks.setdefault(scope, None)
                continue
            if self.raw_offers[key] == raw:
                # Kept: an earlier item's texts hashed alike (read_mentions).
                assert mention.texts is not None
                link_text, tail = mention.texts
                self.findings.note(
                    "duplicate_item",
                    f"{link_text!r} is listed twice; counted once",
                    f"{texts_subject(link_text, tail)}|{scope}",
                    mention.line,
                )
                continue
            existing = offers[key]
            if existing is not None and places is not None:
                offers[key] = existing + places
            self.findings.note(
                "offers_merged",
                f"two items give {mention.slug} the same offer "
                f"({kind or 'unknown kind'}, {scope or 'open to all'}); their places were "
                f"added up",
                f"{key}",
                mention.line,
                school_slug=mention.slug,
            )

    # Rules ----------------------------------------------------------------------------------

    def read_rules(self) -> None:
        paragraphs = self.page.rules_text
        if paragraphs is None:
            return
        rules = parse_rules((text for _, text in paragraphs), self.catalogue.tracks)
        if paragraphs and not rules:
            line, text = paragraphs[0]
            self.findings.note(
                "unparsed_text", f"selection rule not understood: {text!r}", fold(text), line
            )
        self.catalogue.rules = rules
        for rule in rules:
            if rule.track is not None:
                self.catalogue.tracks.setdefault(rule.track, None)


def interpret_page(
    page: ParsedPage,
    *,
    resolver: CountryResolver | None = None,
    known_parents: Iterable[str] = (),
    corrections: Mapping[str, str] | None = None,
) -> Catalogue:
    """The catalogue the page describes, with its findings. The page's items are consumed
    (``page.items`` is left empty): they are released while the catalogue is built.

    ``known_parents`` are names of parent institutions already in the catalogue: they are
    recognized in link texts and win when a page misspells them. ``corrections`` are the
    misspellings the last import corrected (written → read as): they are read the same way
    again while their reading is still a name, so importing a page twice reads it once.
    """
    interpreter = _Interpreter(
        page, resolver or CountryResolver(), known_parents, corrections or {}
    )
    return interpreter.run()
