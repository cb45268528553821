"""One page item, resolved: its country, its link text split, its counts.

Every correction and everything that cannot be read is a finding with the item's line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from scrapers.faq.interpret.countries import CountryResolver, country_key
from scrapers.faq.interpret.findings import FindingLog
from scrapers.faq.interpret.link_text import LinkText, parse_link_text
from scrapers.faq.interpret.schools import school_slug
from scrapers.faq.read import Count, PageItem, PageNote, Section, parse_counts
from service.text import fold


@dataclass(slots=True)
class Mention:
    """One item, resolved; ``slug`` and ``programme`` are set once schools are merged
    (``node``, the programme as this school names it, while programme groups are read).

    ``text`` is let go once the schools are registered and the programme groups built: only
    the programme's name (``programme_name``) is read after that (decision 0341). The item
    itself is not kept: only what the offers and links read of it, its texts as a hash (its
    record and link text were 1.75 times the page's size at the interpretation's peak;
    decision 0386)."""

    text: LinkText | None
    country: str
    counts: tuple[Count, ...]
    line: int | None
    academic_year: str | None
    track: str | None
    url: str | None
    extra_urls: tuple[str, ...]
    #: ``hash((link text, tail))``: an item listed twice gives the same offers with the same
    #: texts, a merge gives them with other texts.
    raw: int
    #: The item's link text and tail, kept only when an earlier item's texts hashed alike (it
    #: may repeat that item, and the finding that says so quotes them).
    texts: tuple[str, str] | None = None
    slug: str = ""
    programme: str | None = None
    node: tuple[str, str] | None = None
    programme_name: str | None = None


def texts_subject(link_text: str, tail: str) -> str:
    """What a finding about an item is about: its text, folded (its line may move)."""
    return fold(f"{link_text} {tail}")


def item_subject(item: PageItem) -> str:
    return texts_subject(item.link_text, item.tail)


class MentionReader:
    """Reads items one by one, reporting into ``findings``."""

    def __init__(
        self, findings: FindingLog, resolver: CountryResolver, known_parents: Collection[str]
    ) -> None:
        self.findings = findings
        self.resolver = resolver
        #: Folded names of the parent institutions already in the catalogue.
        self.known_parents = known_parents

    def read_notes(self, notes: Iterable[PageNote]) -> None:
        """Paragraphs that are not country headings, unknown sections, stray items."""
        for note in notes:
            if note.kind == "paragraph":
                if self.resolver.resolve(note.text) is None:
                    self.findings.note(
                        "unparsed_text",
                        f"text not understood: {note.text!r}",
                        fold(note.text),
                        note.line,
                    )
            elif note.kind == "unknown_section":
                self.findings.note(
                    "unknown_section",
                    f"a list under an unknown heading was not read: {note.text}",
                    fold(note.text),
                    note.line,
                )
            else:
                self.findings.note(
                    "unparsed_item",
                    f"item not understood: {note.text!r}",
                    fold(note.text),
                    note.line,
                )

    def heading_country(self, item: PageItem) -> str | None:
        if item.country_heading is None:
            return None
        match = self.resolver.resolve(item.country_heading)
        subject = country_key(item.country_heading)
        if match is None:
            self.findings.note(
                "unknown_country",
                f"country heading not recognized: {item.country_heading!r}",
                subject,
                item.country_line,
            )
            return None
        if match.corrected:
            self.findings.note(
                "country_name_corrected",
                f"{item.country_heading!r} read as {match.name} ({match.code})",
                subject,
                item.country_line,
                detail={"written": item.country_heading, "code": match.code},
            )
        return match.code

    def read(self, item: PageItem) -> Mention | None:
        """The item resolved, or None (with a finding) when it cannot be read."""
        heading = self.heading_country(item)
        text = parse_link_text(
            item.link_text, self.resolver, context_code=heading, known_parents=self.known_parents
        )
        if text is None or not school_slug(text.school):
            self.findings.note(
                "unparsed_item",
                f"item not understood: {item.link_text!r}",
                item_subject(item),
                item.line,
            )
            return None
        if item.url is None and text.country_code is None:
            self.findings.note(
                "unparsed_item",
                f"item without a link not understood: {item.link_text!r}",
                item_subject(item),
                item.line,
            )
            return None
        country = text.country_code or heading
        if country is None:
            self.findings.note(
                "unparsed_item", f"no country for {item.link_text!r}", item_subject(item), item.line
            )
            return None
        if heading is not None and text.country_code not in (None, heading):
            self.findings.note(
                "country_conflict",
                f"{item.link_text!r} names {text.country_code} under "
                f"the heading {item.country_heading!r} ({heading}); {country} was kept",
                item_subject(item),
                item.line,
            )
        if text.country_corrected and text.country_text is not None:
            self.findings.note(
                "country_name_corrected",
                f"{text.country_text!r} read as {country}",
                country_key(text.country_text),
                item.line,
                detail={"written": text.country_text, "code": country},
            )
        counts = parse_counts(item.tail)
        if counts is None:
            self.findings.note(
                "unparsed_count",
                f"count not understood after {item.link_text!r}: "
                f"{item.tail!r} (kind and places left unknown)",
                item_subject(item),
                item.line,
            )
            counts = ()
        if item.lead:
            self.findings.note(
                "unparsed_text",
                f"text before the link not understood: {item.lead!r}",
                item_subject(item),
                item.line,
            )
        if item.url is None:
            self.findings.note(
                "item_without_link",
                f"{item.link_text!r} has no link",
                item_subject(item),
                item.line,
            )
        if item.section is Section.RESERVED and item.track is None:
            self.findings.note(
                "missing_track",
                f'{item.link_text!r} is under "Mobilités fléchées" '
                'without a "Filière …" sub-list; read as open to every track',
                item_subject(item),
                item.line,
            )
        return Mention(
            text=text,
            country=country,
            counts=counts,
            line=item.line,
            academic_year=item.academic_year,
            track=item.track,
            url=item.url,
            extra_urls=item.extra_urls,
            raw=hash((item.link_text, item.tail)),
        )
