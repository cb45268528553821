"""What an import would change: a pure comparison of the page's catalogue with the snapshot
(and, for offers and links, with their rows as they stream by: :class:`StreamedTable`).

``--dry-run`` prints this plan; a real run applies it (:mod:`scrapers.faq.apply.writes`). Rows the
page no longer lists are retired, never deleted; rows it lists again are restored, except a school
an admin retired (decision 0077). An identical page yields an empty plan, so a re-import writes
nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from scrapers.faq.interpret import Catalogue, FindingSpec, LinkKey, OfferKey
from scrapers.faq.plan.replacements import replacement_findings
from scrapers.faq.plan.snapshot import Row, Snapshot, json_value

if TYPE_CHECKING:
    from scrapers.faq.plan.stream import StreamedPlans
from service.db import FindingSeverity

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: A key's absence from a dict whose values may be None.
_ABSENT: Any = object()

#: Added keys a plan can describe, in order: the summary prints at most this many change lines.
#: A plan keeps what the labels need for these only, never the catalogue (decision 0275).
LABELLED_ADDED = 50


@dataclass(slots=True)
class Change:
    """One existing row's changed values, old and new (``retired``: True/False)."""

    key: Any
    id: int
    label: str
    fields: dict[str, tuple[object, object]]

    @property
    def restores(self) -> bool:
        return self.fields.get("retired") == (True, False)


@dataclass(slots=True)
class TablePlan:
    added: list[Any] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    retired: list[Change] = field(default_factory=list)
    #: What the summary prints for one of the first ``LABELLED_ADDED`` added keys (an offer's
    #: places included): computed when printed, so that a first import of 10,000 schools holds
    #: no label it never prints.
    describe: Callable[[Any], str] = str

    @property
    def added_labels(self) -> Iterator[str]:
        """The labels of the first ``LABELLED_ADDED`` added keys."""
        return (self.describe(key) for key in self.added[:LABELLED_ADDED])

    @property
    def restored(self) -> int:
        return sum(change.restores for change in self.changed)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.retired)


class NamedPairs:
    """(programme key, school slug) pairs in the order they were added, held as two lists of
    the catalogue's own strings: 16 bytes a pair, where a list of tuples took 72 (0.4 times
    the page's size on a first import, alive through the writes and in the report; decision
    0385). Iterating gives the pairs as tuples."""

    __slots__ = ("_keys", "_slugs")

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._slugs: list[str] = []

    def append(self, key: str, slug: str) -> None:
        self._keys.append(key)
        self._slugs.append(slug)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self._keys, self._slugs, strict=True)

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def __repr__(self) -> str:
        return f"NamedPairs({list(self)!r})"


@dataclass(slots=True)
class Plan:
    countries: list[str] = field(default_factory=list)
    tracks: list[str] = field(default_factory=list)
    schools: TablePlan = field(default_factory=TablePlan)
    programmes: TablePlan = field(default_factory=TablePlan)
    #: (programme key, school slug) pairs to add to ``school_programme``.
    programme_schools: NamedPairs = field(default_factory=NamedPairs)
    offers: TablePlan = field(default_factory=TablePlan)
    links: TablePlan = field(default_factory=TablePlan)
    #: Rules the page no longer states are deleted (``retired`` here).
    rules: TablePlan = field(default_factory=TablePlan)
    #: Findings resolved because no longer observed are ``retired`` here.
    findings: TablePlan = field(default_factory=TablePlan)
    new_revision: bool = False

    @property
    def is_empty(self) -> bool:
        tables = (self.schools, self.programmes, self.offers, self.links, self.rules)
        return not (
            self.countries
            or self.tracks
            or any(tables)
            or self.programme_schools
            or self.findings
            or self.new_revision
        )


def diff_table(
    desired: Iterable[tuple[K, Mapping[str, object]]],
    existing: Mapping[K, Row],
    label: Callable[[K], str],
    *,
    listed: Container[K] | None = None,
) -> TablePlan:
    """Added keys, changed values (and restorations), and, given ``listed`` (every desired
    key), the retirement of what is not listed.

    ``desired`` is read once, row by row: its values need not exist all at once.
    """
    plan = TablePlan(describe=label)
    for key, values in desired:
        row = existing.get(key)
        if row is None:
            plan.added.append(key)
            continue
        fields = {
            name: (row.values.get(name), value)
            for name, value in values.items()
            if row.values.get(name) != value
        }
        if row.retired and not row.held:
            fields["retired"] = (True, False)
        if fields:
            plan.changed.append(Change(key, row.id, label(key), fields))
    if listed is not None:
        for key, row in existing.items():
            if key not in listed and not row.retired:
                plan.retired.append(Change(key, row.id, label(key), {"retired": (False, True)}))
    return plan


class StreamedTable(Generic[K, V]):
    """:func:`diff_table` for a table whose existing rows are seen one at a time, as they
    stream from the database, rather than held (decisions 0360, 0361).

    ``desired`` is the catalogue's own dict; ``compared`` gives a desired record's values in the
    order of ``names``, the order in which rows are seen. Given ``known`` (the keys the database
    holds, filled while the rows stream by), ``desired`` is only read. Without it, it is
    consumed: a key whose row the database holds unchanged is deleted from it as the row is
    seen (its key is let go with it), so that what remains at the end is what is added or
    changed. Either way the plan is :func:`diff_table`'s, in its order: added and changed keys
    in the page's order, retirements in the database's.
    """

    def __init__(
        self,
        desired: dict[K, V],
        names: tuple[str, ...],
        compared: Callable[[V], tuple[object, ...]],
        label: Callable[[K], str],
        *,
        known: Container[K] | None = None,
    ) -> None:
        self.desired = desired
        self.names = names
        self.compared = compared
        self.label = label
        self.known = known
        self.plan = TablePlan(describe=label)
        self._changes: dict[K, Change] = {}

    def see(
        self, key: K, id_: int, values: tuple[object, ...], retired: bool, held: bool = False
    ) -> None:
        """One existing row: its natural key, id, compared values (in the order of ``names``),
        whether it is retired, and whether it is held retired (decision 0077)."""
        desired = self.desired.get(key, _ABSENT)
        if desired is _ABSENT:
            if not retired:
                change = Change(key, id_, self.label(key), {"retired": (False, True)})
                self.plan.retired.append(change)
            return
        new_values = self.compared(desired)
        fields = {
            name: (old, new)
            for name, old, new in zip(self.names, values, new_values, strict=True)
            if old != new
        }
        if retired and not held:
            fields["retired"] = (True, False)
        if fields:
            self._changes[key] = Change(key, id_, self.label(key), fields)
        elif self.known is None:
            del self.desired[key]

    def finish(self) -> TablePlan:
        """The table's plan, once every existing row was seen."""
        known = self.known
        for key in self.desired:
            change = self._changes.get(key)
            if change is not None:
                self.plan.changed.append(change)
            elif known is None or key not in known:
                self.plan.added.append(key)
        self._changes = {}
        return self.plan


def offer_label(key: OfferKey) -> str:
    slug, programme, kind, year, scope = key
    parts = [slug, programme.split("@", 1)[0] if programme else None, kind or "unknown kind"]
    return " ".join(str(part) for part in parts if part) + f" {year} {scope or 'open to all'}"


def link_label(key: LinkKey) -> str:
    return f"{key[0]} ({key[1] or key[2]})"


def finding_values(finding: FindingSpec) -> dict[str, object]:
    return {
        "kind": finding.kind,
        "severity": finding.level,
        "message": finding.message,
        "detail": json_value(finding.detail),
        "source_line": finding.line,
        "school_slug": finding.school_slug,
        "link_key": finding.link_key,
    }


def plan_findings(
    findings: Iterable[FindingSpec], snapshot: Snapshot, *, resolve_missing: bool
) -> TablePlan:
    """New findings, re-observed ones whose details moved (or were resolved), and — when
    ``resolve_missing`` — the resolution of those no longer observed."""
    desired = {finding.fingerprint: finding_values(finding) for finding in findings}
    return diff_table(
        desired.items(),
        snapshot.findings,
        lambda fingerprint: str(desired.get(fingerprint, {}).get("kind", fingerprint)),
        listed=desired if resolve_missing else None,
    )


def detect_regression(
    catalogue: Catalogue,
    content_hash: str,
    *,
    forced: bool,
    counted: bool,
    partners: int,
    known_places: int,
) -> FindingSpec | None:
    """A page that lost most of what the catalogue holds: fewer than half of its ``partners``,
    or no count at all (``counted`` is whether the page gives one) where the catalogue knows the
    places of ``known_places`` offers. An empty catalogue cannot regress."""
    listed = len(catalogue.partner_slugs)
    if partners and listed * 2 < partners:
        reason = f"the page lists {listed} partner schools where the catalogue has {partners}"
    elif known_places and listed and not counted:
        reason = (
            f"the page gives no count at all where the catalogue knows the places of "
            f"{known_places} offers"
        )
    else:
        return None
    outcome = "imported anyway (--force)" if forced else "refused (--force imports it anyway)"
    return FindingSpec(
        kind="source_regression",
        message=f"source regression: {reason}; {outcome}",
        subject=content_hash,
        severity=FindingSeverity.WARNING if forced else FindingSeverity.ERROR,
        detail={"content_hash": content_hash, "partners": listed, "catalogue_partners": partners},
    )


def plan_import(
    catalogue: Catalogue, snapshot: Snapshot, streamed: StreamedPlans, *, new_revision: bool
) -> Plan:
    """Everything that differs between the page and the database, given the plans of the
    tables compared as their rows streamed by (:mod:`scrapers.faq.plan.stream`)."""
    plan = Plan(new_revision=new_revision)
    plan.countries = sorted(catalogue.countries - snapshot.countries)
    plan.tracks = sorted(set(catalogue.tracks) - snapshot.tracks)
    plan.schools = streamed.schools
    # Said before the findings are planned, so that they are stored with the rest.
    catalogue.findings.extend(replacement_findings(streamed.unlisted_partners, catalogue.schools))
    plan.programmes = streamed.programmes
    school_ids = snapshot.school_ids
    for key, programme in catalogue.programmes.items():
        programme_id = snapshot.programme_ids.get(key)
        for slug in programme.school_slugs:
            if (
                programme_id is None
                or (programme_id, school_ids.get(slug)) not in snapshot.programme_schools
            ):
                plan.programme_schools.append(key, slug)
    plan.offers = offers = streamed.offers
    # The places of the offers the summary may print, not the catalogue's offers: the plan
    # outlives the catalogue (the writes let it go table by table; decision 0275).
    printed = {key: catalogue.offers[key] for key in offers.added[:LABELLED_ADDED]}

    def describe_offer(key: OfferKey) -> str:
        places = printed.get(key)
        return offer_label(key) + (f": places {places}" if places is not None else "")

    plan.offers.describe = describe_offer
    plan.links = streamed.links
    if catalogue.rules is not None:
        rules = {rule.track: rule for rule in catalogue.rules}
        plan.rules = diff_table(
            (
                (
                    track,
                    {
                        "semesters": list(rule.semesters),
                        "criteria": list(rule.criteria),
                        "source_text": rule.source_text,
                    },
                )
                for track, rule in rules.items()
            ),
            snapshot.rules,
            lambda track: track or "all tracks",
            listed=rules,
        )
    plan.findings = plan_findings(catalogue.findings, snapshot, resolve_missing=True)
    return plan
