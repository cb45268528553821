"""Contact e-mails and phone numbers, each with the label the page gives it.

Contacts are read from the whole page (the footer often holds the switchboard), trusted more in
the main content; a side box's e-mail addresses only when the main content has none (decision
0260), the footer's only when the rest of the page has none (decision 0180), and only on a page
that holds a fact of its own (decision 0181). Phone
numbers are parsed with libphonenumber's data (``phonenumbers``): international forms
anywhere, national forms (``04 76 57 45 00``) when the page's country is known. Fax numbers
are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers

from scrapers.extract.blocks import TextBlock
from scrapers.extract.emails import deobfuscate, email_from_link, emails_in, find_emails
from scrapers.extract.facts import ExtractedFact, clip_snippet
from scrapers.extract.vocabulary import OTHER_OFFICE, names_other_than_incoming
from service.catalogue import EmailContact, FactField, FactValue, PhoneContact
from service.countries import is_country_code
from service.text import collapse_spaces

EXTRACTOR = "generic/contacts"
VERSION = "1"

_FAX = re.compile(r"(?:fax|t[ée]l[ée]copie|telefax|faksi)\W*$", re.IGNORECASE)
_CUE_WORDS = re.compile(
    r"\b(?:e-?mail|mail|courriel|adresse|sähköposti|posta elettronica|tel|tél|phone|telephone"
    r"|téléphone|puh|puhelin|telefono|telefon|mob|gsm|contact)\b\.?",
    re.IGNORECASE,
)
_LABEL_TRIM = " \t:;,.-\u2013\u2014|/()[]"
_LABEL_MAX = 80
_LABEL_MAX_DIGITS = 4
#: A block longer than this is prose: the words around an address are not its label.
_LABEL_BLOCK_MAX = 120
_MAIN_CONFIDENCE = 0.9
_OTHER_CONFIDENCE = 0.6
#: The rule of a contact read from the site's footer (``TextBlock.in_footer``).
FOOTER_RULE = "footer"
#: The rule of a contact read from a side box or column: outside the main content and the
#: footer.
ASIDE_RULE = "aside"
#: Where an address was read, from the innermost ring of the page outwards.
_MAIN, _ASIDE, _FOOTER = "main", "aside", "footer"
#: The facts a page states about the school itself; a contact outside the footer is one too.
_OWN_FIELDS = frozenset(
    (FactField.DEADLINE, FactField.LANGUAGE_REQUIREMENT, FactField.CREDITS, FactField.DURATION)
)


def country_of_host(host: str | None) -> str | None:
    """The country of a country-code top-level domain (``fr`` → ``FR``), else ``None``."""
    tld = (host or "").rstrip(".").rsplit(".", 1)[-1]
    return tld.upper() if len(tld) == 2 and is_country_code(tld) else None


_LAST_CLAUSE = re.compile(r"(?:[.;|]\s|\s[\u2013\u2014\u00b7\u2022-]\s)")


def _clean_label(text: str) -> str | None:
    # The words just before an address name it: "…, Finland. Switchboard +358 9 47001".
    clauses = [c for c in _LAST_CLAUSE.split(text) if c.strip(_LABEL_TRIM)]
    text = clauses[-1] if clauses else ""
    label = collapse_spaces(_CUE_WORDS.sub(" ", text)).strip(_LABEL_TRIM)
    if sum(char.isdigit() for char in label) >= _LABEL_MAX_DIGITS:
        return None  # a number, not a name
    return label if 2 < len(label) <= _LABEL_MAX else None


def _label(block: TextBlock, before: str, previous: TextBlock | None) -> str | None:
    if len(block.text) <= _LABEL_BLOCK_MAX:
        label = _clean_label(before)
        if label:
            return label
    # The block before labels an address only within the same section: a footer's address is
    # not labelled by the last line of the content above it.
    if (
        previous is not None
        and len(previous.text) <= _LABEL_MAX
        and (previous.headings, previous.in_main) == (block.headings, block.in_main)
    ):
        has_contact = find_emails(previous.text) or "@" in previous.text
        if not has_contact and not any(char.isdigit() for char in previous.text):
            label = _clean_label(previous.text)
            if label:
                return label
    return _clean_label(block.row_header) if block.row_header else None


#: The longest text before an address (since the block's previous one) that is its own words,
#: as for a label: "Nikos Georgiou - Outgoing mobility officer - ", "Per immatricolazioni e
#: certificati: ". A longer one is prose about the office ("… répond aux questions sur les
#: candidatures et le logement : erasmus@"), which names its duties, not another office.
_OWN_WORDS = _LABEL_BLOCK_MAX
_LOCAL_PART_SEPARATORS = re.compile(r"[._+-]")


def _another_offices(
    block: TextBlock, before: str, address: str, previous: TextBlock | None
) -> bool:
    """Whether an address is another office's than the incoming exchange's: its own words (the
    text since the block's previous address, its local part), else the short line above it in
    its section, else its row header, else its heading name another office and not the
    incoming exchange (decision 0417)."""
    local = _LOCAL_PART_SEPARATORS.sub(" ", address.split("@", 1)[0])
    above = (
        previous.text
        if previous is not None
        and len(previous.text) <= _OWN_WORDS
        and previous.headings == block.headings
        and "@" not in previous.text
        else None
    )
    own = f"{before} {local}" if len(before.strip()) <= _OWN_WORDS else local
    return names_other_than_incoming((own, above, block.row_header, block.heading), OTHER_OFFICE)


def _fact(
    field: FactField, key: str, value: FactValue, url: str, block: TextBlock
) -> ExtractedFact:
    confidence = _MAIN_CONFIDENCE if block.in_main else _OTHER_CONFIDENCE
    rule = {_MAIN: "", _ASIDE: ASIDE_RULE, _FOOTER: FOOTER_RULE}[_place(block)]
    snippet = clip_snippet(block.text)
    return ExtractedFact(field, key, value, url, snippet, EXTRACTOR, VERSION, confidence, rule)


#: Seven digits or more, apart only by spaces and punctuation: what every phone number holds.
#: libphonenumber's matcher costs ~0.5 ms a block even when it finds nothing (it parses each
#: date's digits as a candidate), so blocks without such a run are not given to it.
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-\u2010-\u2015()/]{0,3}\d){6}")


def _phones(text: str, region: str | None) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if _DIGIT_RUN.search(text) is None:
        return found
    for match in phonenumbers.PhoneNumberMatcher(text, region or "ZZ"):
        if _FAX.search(text[max(0, match.start - 16) : match.start]):
            continue
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((number, match.start))
    return found


def _phone_from_link(href: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(href[len("tel:") :], region or "ZZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_contacts(
    blocks: Sequence[TextBlock], url: str, *, region: str | None
) -> list[ExtractedFact]:
    """E-mail and phone facts of every block; ``region`` (ISO alpha-2) reads national numbers."""
    facts: dict[tuple[FactField, str], ExtractedFact] = {}

    def keep(fact: ExtractedFact) -> None:
        known = facts.get((fact.field, fact.key))
        if (
            known is None
            or fact.confidence > known.confidence
            or (fact.confidence == known.confidence and known.rule and not fact.rule)
        ):
            facts[(fact.field, fact.key)] = fact

    # Where each address was seen: the main content, a side box, the footer (decisions 0180,
    # 0260).
    seen: dict[str, set[str]] = {_MAIN: set(), _ASIDE: set(), _FOOTER: set()}
    #: Other offices' addresses: they count as seen (a content that names addresses names
    #: the page's), but are no contact of the exchange (decision 0417).
    others: set[str] = set()
    previous: TextBlock | None = None
    for block in blocks:
        text = deobfuscate(block.text)
        since = 0
        in_text = emails_in(text)
        for address, written in in_text:
            seen[_place(block)].add(address)
            at = text.find(written)
            if _another_offices(block, text[since:at], address, previous):
                others.add(address)
            since = at + len(written)
            label = _label(block, text[:at], previous)
            keep(_fact(FactField.EMAIL, address, EmailContact(address, label), url, block))
        for number, start in _phones(text, region):
            label = _label(block, text[:start], previous)
            keep(_fact(FactField.PHONE, number, PhoneContact(number, label), url, block))
        for href in block.links:
            linked = email_from_link(href)
            if linked:
                seen[_place(block)].add(linked)
                written_out = any(address == linked for address, _ in in_text)
                if not written_out and _another_offices(block, text, linked, previous):
                    others.add(linked)
            if linked and (FactField.EMAIL, linked) not in facts:
                email = EmailContact(linked, _label(block, text, previous))
                keep(_fact(FactField.EMAIL, linked, email, url, block))
            dialled = _phone_from_link(href, region) if href.lower().startswith("tel:") else None
            if dialled and (FactField.PHONE, dialled) not in facts:
                phone = PhoneContact(dialled, _label(block, text, previous))
                keep(_fact(FactField.PHONE, dialled, phone, url, block))
        previous = block
    return [
        fact
        for fact in _without_outer_emails(facts, seen)
        if fact.field is not FactField.EMAIL or fact.key not in others
    ]


def _place(block: TextBlock) -> str:
    if block.in_footer:
        return _FOOTER
    return _MAIN if block.in_main else _ASIDE


def _without_outer_emails(
    facts: dict[tuple[FactField, str], ExtractedFact], seen: dict[str, set[str]]
) -> list[ExtractedFact]:
    """The facts without the e-mails of the page's outer rings when an inner one gives its own.

    A footer's ``communication@``, ``info@`` or registry address is the website's, the same on
    every page; when the content (or a sidebar's contact box) names the office's address, the
    footer's is not a contact of this page (development set, batch 2; decision 0180). Likewise
    a side box's "Other offices" (housing, press, library, alumni) beside a content that names
    the page's own contact (batch 4; decision 0260). A page whose only address is in its footer
    or a side box keeps it, at their lower confidence.
    """
    kept: set[str] = set()
    for place in (_MAIN, _ASIDE, _FOOTER):
        # An address seen in an inner ring is kept wherever else it also appears.
        if not kept:
            kept |= seen[place]
    return [
        fact for (field, key), fact in facts.items() if field is not FactField.EMAIL or key in kept
    ]


def without_boilerplate_emails(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    """``facts`` without the footer's and side boxes' addresses when the page has no fact of
    its own.

    A page of boilerplate alone (a news list, a housing or campus page, a home page, a
    directory of phone numbers) holds nothing about the exchange but the site's footer and
    side boxes; their ``info@``, ``press@`` or ``webteam@`` is the website's or another
    office's, not a contact that page gives (decisions 0181, 0310). A fact of its own is a
    deadline, a language requirement, credits, a duration, or an e-mail address read in the
    main content (a phone number is not: a directory's switchboard numbers are no contact of
    the exchange).
    """
    for fact in facts:
        if fact.field in _OWN_FIELDS or (
            fact.extractor == EXTRACTOR and fact.field is FactField.EMAIL and not fact.rule
        ):
            return facts
    return [
        fact
        for fact in facts
        if not (fact.field is FactField.EMAIL and fact.rule in (FOOTER_RULE, ASIDE_RULE))
    ]
