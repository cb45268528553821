"""Application and nomination deadlines, per semester where the page says so.

A date is a deadline when something says what it is for (application or nomination, from its
clause outwards, see ``cues``), nothing nearer says it is another kind of date (results,
arrival, opening, publication), and something marks it as a limit (a deadline word, a period
whose end it is, or the kind named in its own sentence); a deadline word alone ("Deadline:
31 March") makes an application deadline. Every distinct date is kept: a second round of the
same kind and semester is ``kind/semester/2``. Dates in sentences about housing or doctoral
calls are not the exchange's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scrapers.extract.blocks import TextBlock
from scrapers.extract.cues import (
    IN_CLAUSE,
    IN_HEADERS,
    IN_HEADING,
    IN_LEAD_IN,
    IN_SENTENCE,
    Found,
    Surroundings,
    TextCues,
    label_in,
    resolve,
    surroundings_of,
)
from scrapers.extract.dates import DateMention, find_dates
from scrapers.extract.facts import ExtractedFact, clip_snippet, ranked_key
from scrapers.extract.textmatch import distance, fold_aligned
from scrapers.extract.vocabulary import (
    APPLICATION,
    AUTUMN,
    BARE_DEADLINE,
    DATE_ROLE_CUES,
    DEADLINE_CUE,
    DEADLINES_ABOVE,
    DOUBLE_DEGREE,
    EXCHANGE,
    KIND_CUES,
    LATER_ROUND,
    NEWS,
    OPENING_CUE,
    OTHER_DATE_CUE,
    OTHER_TOPIC,
    SEMESTER_CUES,
    WINTER,
    WINTER_IN_AUTUMN,
    YEAR,
)
from service.catalogue import Deadline, Duration, FactField

EXTRACTOR = "generic/deadlines"
VERSION = "1"

#: Where a deadline with no kind word was found: "Deadline: 31 March".
IN_BARE = "bare"

_CONFIDENCE = {
    IN_CLAUSE: 0.9,
    IN_SENTENCE: 0.85,
    IN_HEADERS: 0.85,
    IN_LEAD_IN: 0.75,
    IN_HEADING: 0.6,
    IN_BARE: 0.6,
}


def combine_periods(labels: set[str]) -> str | None:
    """One period for a scope naming several: "autumn semester and full year" is autumn.

    A full year starts in the autumn, so a date given for both is the autumn one (and a winter
    semester's and the year's is the winter one, what "winter" means on the page).
    """
    if labels == {AUTUMN, YEAR}:
        return AUTUMN
    if labels == {WINTER, YEAR}:
        # "Winter semester and full year": where the winter semester is the autumn one, the
        # year starts with it (decision 0405).
        return WINTER
    return next(iter(labels)) if len(labels) == 1 else None


def _names_autumn_too(cues: TextCues, date: DateMention) -> bool:
    """Whether the date's own part of its sentence also names the autumn semester."""
    start, end = cues.territory((date.start, date.end))
    sentence_start, sentence_end = cues.sentence_of((date.start, date.end))
    start, end = max(start, sentence_start), min(end, sentence_end)
    return any(
        m.label == AUTUMN and start <= m.start and m.end <= end
        for m in cues.mentions(SEMESTER_CUES)
    )


def _is_other_date(
    cues: TextCues, date: DateMention, kind: Found | None, around: Surroundings
) -> bool:
    """Whether something nearer than the kind says the date is a result, an opening, …"""
    span = (date.start, date.end)
    role = cues.near(span, cues.mentions(DATE_ROLE_CUES))
    # "Open from 1 March to 15 April": the opening word speaks of the range's start.
    other = {OTHER_DATE_CUE} if date.opens is not None else {OTHER_DATE_CUE, OPENING_CUE}
    if role is not None and role.label in other:
        kind_mention = cues.near(span, cues.mentions(KIND_CUES))
        return kind_mention is None or distance(span, role) < distance(span, kind_mention)
    if kind is not None and kind.where in (IN_CLAUSE, IN_SENTENCE, IN_HEADERS):
        return False
    # A row or column header that names another kind of date ("Publication of results", "Term
    # dates") and no kind (the column's header since decision 0380).
    return any(label_in(header, DATE_ROLE_CUES) in other for header in around.headers)


_DATE_DECORATION = re.compile(r"[\W\d_]*(?:[^\W\d_]{1,3}\.?)?[\W\d_]*", re.UNICODE)


def _is_just_a_date(text: str, date: DateMention) -> bool:
    """Whether the text is the date alone, give or take a weekday or a time ("Thu 2.2. 23.59")."""
    rest = text[: date.start] + " " + text[date.end :]
    return _DATE_DECORATION.fullmatch(rest) is not None


#: How far from a month's end its deadline word may stand ("entro la fine di marzo").
_MONTH_END_REACH = 12


def _marks_a_limit(
    cues: TextCues,
    span: tuple[int, int],
    date: DateMention,
    kind: Found,
    around: Surroundings,
    semester: Found | None,
) -> bool:
    """Whether something says the date is a limit: a period's end, a deadline word, …, or,
    under a heading, lead-in or header naming its kind, its own semester ("Nomination" over
    "1 May for the winter semester, 1 November for the summer semester", decision 0350)."""
    if date.month_end:
        # "by the end of March", "fin mars au plus tard": a month's end is a limit only beside
        # its deadline word; "letters are sent at the end of June" is when (decision 0405).
        return any(
            date.start - _MONTH_END_REACH <= m.end <= date.start + 1
            or date.end <= m.start <= date.end + _MONTH_END_REACH
            for m in cues.mentions(DATE_ROLE_CUES)
            if m.label == DEADLINE_CUE
        )
    if date.opens is not None or kind.where in (IN_CLAUSE, IN_SENTENCE):
        return True
    if kind.where == IN_HEADERS and _is_just_a_date(cues.text, date):
        return True  # a table of dates under "Nomination" headers is a table of deadlines
    start, end = cues.sentence_of(span)
    roles = [m for m in cues.mentions(DATE_ROLE_CUES) if start <= m.start and m.end <= end]
    if any(m.label == DEADLINE_CUE for m in roles):
        return True
    if any(label_in(piece, DATE_ROLE_CUES) == DEADLINE_CUE for _, piece in around.ordered()):
        return True
    return semester is not None and semester.where == IN_CLAUSE


def _bare_deadline(cues: TextCues, span: tuple[int, int], around: Surroundings) -> Found | None:
    """An application deadline named by a deadline word alone, in the date's clause or label."""
    if cues.near(span, cues.mentions(((BARE_DEADLINE, APPLICATION),))) is not None:
        return Found(APPLICATION, IN_BARE)
    if around.headers and BARE_DEADLINE.search(around.headers[0]):
        return Found(APPLICATION, IN_BARE)
    # "<p><b>Deadlines</b></p><p>Semester 1 and full year: 31 March 2027<br>…": a heading
    # that is the deadline word alone (development set, en23).
    if around.heading and BARE_DEADLINE.fullmatch(around.heading.strip(" :")):
        return Found(APPLICATION, IN_BARE)
    return None


def _an_items_own_date(block: TextBlock, around: Surroundings, date: DateMention) -> bool:
    """Whether the date opens an item of a news or announcements box: the item's own date."""
    if date.start != len(block.text) - len(block.text.lstrip()):
        return False
    return any(NEWS.search(piece) for piece in (around.lead_in, around.heading) if piece)


def _about_another_topic(cues: TextCues, span: tuple[int, int]) -> bool:
    """Whether the date's sentence is about housing, a doctoral call, …, not the exchange."""
    start, end = cues.sentence_of(span)
    return OTHER_TOPIC.search(cues.folded, start, end) is not None


def _snippet(block: TextBlock, cues: TextCues, span: tuple[int, int], kind: Found) -> str:
    start, end = cues.sentence_of(span)
    sentence = block.text[start:end].strip()
    prefix = [block.row_header, block.column_header]
    if kind.where == IN_LEAD_IN:
        prefix.insert(0, block.lead_in)
    elif kind.where == IN_HEADING:
        prefix.insert(0, block.heading)
    return clip_snippet(" | ".join([part for part in prefix if part] + [sentence]))


def _sentence_label(cues: TextCues, span: tuple[int, int]) -> str | None:
    """The semester named by the label that opens the date's sentence, before its first date.

    "Semestre de printemps 2028 : nomination avant le 15 octobre 2027, candidature avant le 31
    octobre 2027": the label before the colon speaks for both dates (development set, fr47),
    where the block's own lead label ("Calendrier — Semestre d'automne 2027 :") does not.
    """
    start, end = cues.sentence_of(span)
    first = min(value[0] for value in cues.values if start <= value[0] < end)
    label = cues.folded[start:first].rpartition(":")[0]
    return label_in(label, SEMESTER_CUES, combine_periods) if label else None


@dataclass(slots=True)
class _Candidate:
    """A deadline found in a block, before its key is given."""

    date: DateMention
    kind: Found
    period: str | None
    sentence: tuple[int, int]
    block: TextBlock
    cues: TextCues


_CLAUSE_END = re.compile(r"[;.!?]")


def _period_of_the_deadlines_above(block: TextBlock, winter: str) -> str | None:
    """The semester a sentence gives the deadlines above it ("The deadlines above apply to the
    autumn semester; …"), from its clause."""
    folded = fold_aligned(block.text)
    cue = DEADLINES_ABOVE.search(folded)
    if cue is None:
        return None
    end = _CLAUSE_END.search(folded, cue.end())
    period = label_in(folded[cue.end() : end.start() if end else None], SEMESTER_CUES)
    return winter if period == WINTER else period


def _give_the_deadlines_above_their_period(
    block: TextBlock, candidates: list[_Candidate], winter: str
) -> bool:
    """Give the section's deadlines that name no semester the one a sentence after them says
    they are for ("Le scadenze indicate valgono per il semestre autunnale", decision 0350).

    Whether any was given one.
    """
    above = [
        candidate
        for candidate in candidates
        if candidate.period is None and candidate.block.headings == block.headings
    ]
    period = _period_of_the_deadlines_above(block, winter) if above else None
    for candidate in above if period is not None else ():
        candidate.period = period
    return period is not None


def _fill_in_order(candidates: list[_Candidate], earlier: list[str | None]) -> None:
    """Give a sentence's semester-less dates the semesters of the deadlines just before it.

    "Nominations by 15 May (autumn) or 15 November (spring). Students then apply by 15 June or
    15 December", "… by 30/04 or 31/10 respectively" (development set, it14, it30): when a
    sentence's two dates or more, all of one kind, name no semester, and the same number of
    deadlines just before them named distinct semesters, the dates follow them in order.
    """
    by_sentence: dict[tuple[int, int], list[_Candidate]] = {}
    for candidate in candidates:
        by_sentence.setdefault(candidate.sentence, []).append(candidate)
    for group in by_sentence.values():
        count = len(group)
        previous = earlier[-count:]
        if (
            count >= 2
            and all(candidate.period is None for candidate in group)
            # "Partners send their shortlist by 15 February; each candidate then applies by
            # 15 March": two kinds are successive steps, not one deadline per semester
            # (decision 0326).
            and len({candidate.kind.label for candidate in group}) == 1
            and len(previous) == count
            and None not in previous
            and len(set(previous)) == count
        ):
            for candidate, period in zip(group, previous, strict=True):
                candidate.period = period
        earlier.extend(candidate.period for candidate in group)


#: A line longer than this is a sentence, not a label over the lines below it.
_LABEL_MAX = 90


def _label_above(above: TextBlock | None, block: TextBlock) -> str | None:
    """The semester a short line just above the block names, in its section, when it is a label
    and no sentence: "<p><strong>Winter semester and full year</strong><br>Nominations until
    31 May · Applications until 15 June</p>" (decision 0405)."""
    if above is None or above.headings != block.headings or len(above.text) > _LABEL_MAX:
        return None
    if above.text.rstrip().endswith((".", "!", "?")):
        return None
    return label_in(above.text, SEMESTER_CUES, combine_periods)


def _period_of_the_track(block: TextBlock) -> str | None:
    """The year, where the nearest heading naming a double degree or the exchange names a
    double-degree track alone ("Double-degree tracks", "Percorsi di doppio titolo"): its
    students stay the whole year (decision 0405)."""
    for heading in reversed(block.headings):
        folded = fold_aligned(heading)
        exchange = EXCHANGE.search(folded) is not None
        if DOUBLE_DEGREE.search(folded) is not None:
            return None if exchange else YEAR
        if exchange:
            return None
    return None


def parse_deadlines(
    blocks: Sequence[TextBlock], url: str, *, winter: str = AUTUMN
) -> list[ExtractedFact]:
    """Deadline facts of the main content's blocks.

    ``winter`` is what "winter semester" means on this page: the autumn semester in German-
    speaking universities, the spring (January) term in North America.
    """
    found: dict[str, ExtractedFact] = {}
    last_period: dict[str, str | None] = {}
    #: The semesters of the deadlines read so far, in order (``_fill_in_order``).
    earlier: list[str | None] = []
    #: Every deadline of the page, keyed once all are read (a later sentence may name the
    #: semester of earlier ones).
    read: list[_Candidate] = []
    unnamed = False  # whether one of them names no semester
    above: TextBlock | None = None  # the block before, when it holds no date
    for block in blocks:
        if not block.in_main:
            continue
        if unnamed and _give_the_deadlines_above_their_period(block, read, winter):
            unnamed = any(candidate.period is None for candidate in read)
        dates = find_dates(block.text)
        if not dates:
            above = block
            continue
        label_above: str | None = None  # read only when a date names no semester
        label_read = False
        before, above = above, None
        cues = TextCues(block.text, [(d.start, d.end) for d in dates])
        around = surroundings_of(block)
        candidates: list[_Candidate] = []
        for date in dates:
            span = (date.start, date.end)
            if _about_another_topic(cues, span) or _an_items_own_date(block, around, date):
                continue
            kind = resolve(cues, span, KIND_CUES, around, shared=True)
            if kind is None:
                kind = _bare_deadline(cues, span, around)
                if kind is None or _is_other_date(cues, date, None, around):
                    continue
            elif _is_other_date(cues, date, kind, around):
                continue
            semester = resolve(
                cues, span, SEMESTER_CUES, around, shared=False, combine=combine_periods
            )
            if kind.where != IN_BARE and not _marks_a_limit(
                cues, span, date, kind, around, semester
            ):
                continue
            period = semester.label if semester else None
            if semester is None or semester.where not in (IN_CLAUSE, IN_SENTENCE):
                period = _sentence_label(cues, span) or period
            if period == YEAR and _names_autumn_too(cues, date):
                period = AUTUMN
            elif period == YEAR and _sentence_label(cues, span) == WINTER:
                # "Winter semester and full year: 15 May": the clause nearest the date names the
                # year, the label the whole of (decision 0405).
                period = WINTER
            if period is None:
                if not label_read:
                    label_above, label_read = _label_above(before, block), True
                period = label_above or _period_of_the_track(block)
            if period is None and kind.label in last_period:
                start, end = cues.sentence_of(span)
                if LATER_ROUND.search(cues.folded, start, end):
                    period = last_period[kind.label]  # the round before it named the semester
            if period == WINTER:
                period = winter
            elif period == AUTUMN and winter != AUTUMN and WINTER_IN_AUTUMN.search(cues.folded):
                winter = AUTUMN  # "Winter semester (October to February)" (batch 3: en30)
            last_period[kind.label] = period
            candidates.append(_Candidate(date, kind, period, cues.sentence_of(span), block, cues))
        _fill_in_order(candidates, earlier)
        read += candidates
        unnamed = unnamed or any(candidate.period is None for candidate in candidates)
    for candidate in read:
        date, kind, period = candidate.date, candidate.kind, candidate.period
        block, cues = candidate.block, candidate.cues
        value = Deadline(
            kind=kind.label,
            semester=period,
            date=date.date.iso(),
            opens=date.opens.iso() if date.opens else None,
        )
        key = ranked_key(found, f"{kind.label}/{period or 'any'}", value)
        if key is None:
            continue
        span = (date.start, date.end)
        found[key] = ExtractedFact(
            FactField.DEADLINE,
            key,
            value,
            url,
            _snippet(block, cues, span, kind),
            EXTRACTOR,
            VERSION,
            _CONFIDENCE[kind.where],
            rule=kind.where,
        )
    return list(found.values())


def for_a_year_only(facts: Sequence[ExtractedFact]) -> list[ExtractedFact]:
    """The page's facts, its deadlines that name no semester given the year's where the page's
    stays last a year and nothing shorter ("accueillis pour une année universitaire complète;
    les séjours d'un semestre ne sont pas possibles", decision 0405)."""
    if not any(
        fact.field is FactField.DURATION
        and isinstance(fact.value, Duration)
        and fact.value.options == (YEAR,)
        for fact in facts
    ):
        return list(facts)
    keys = {fact.key for fact in facts if fact.field is FactField.DEADLINE}
    kept: list[ExtractedFact] = []
    for fact in facts:
        value = fact.value
        if fact.field is FactField.DEADLINE and isinstance(value, Deadline) and not value.semester:
            kind, _, rank = fact.key.partition("/any")
            key = f"{kind}/{YEAR}{rank}"
            if key not in keys:
                keys.add(key)
                fact = replace(fact, key=key, value=replace(value, semester=YEAR))
        kept.append(fact)
    return kept
