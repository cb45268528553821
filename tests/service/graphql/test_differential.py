"""The compiled read path and the resolvers answer the same data and the same errors.

Issue 10 item 5. Every catalogue read document the test suite writes (collected from the test
modules' string constants) and hypothesis-generated selections (fragments, inline fragments,
aliases, arguments and nulls, variables, ``@skip``/``@include``) run through the endpoint's
path with ``COMPILED_READS`` on (the compiler, which hands back what it does not cover) and
through the resolvers only, on one catalogue built once per module and backend. The answers
are compared with their keys in order.
"""

from __future__ import annotations

import ast
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    get_named_type,
    parse,
    validate,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strawberry.types import ExecutionResult

from service.db.models import LinkStatus, SyncRunStatus
from service.db.serialized import SerializedSession
from service.graphql.compiler import ReadCompiler
from service.graphql.schema import CatalogueSchema
from service.graphql.types.connection import (
    FINDING_CURSOR,
    LINK_CHECK_CURSOR,
    SYNC_RUN_CURSOR,
    encode_time_cursor,
)
from service.graphql.types.pagination import encode_cursor, encode_position
from tests.databases import BACKENDS, migrated_database
from tests.factories import (
    make_finding,
    make_link,
    make_link_check,
    make_override,
    make_school_fact,
    make_sync_run,
    make_url_health,
)
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import _resolver, executor
from tests.service.graphql.test_compiled_reads import DOCUMENTS

TESTS = Path(__file__).resolve().parents[2]

#: The root fields that read the catalogue (admin, search, history and sync runs are not), as the
#: random documents draw them: roots drawn more often than the rest are listed twice.
ROOTS = (
    "countries",
    "country",
    "school",
    "school",
    "schools",
    "schools",
    "offers",
    "offersConnection",
    "homeTracks",
    "selectionRules",
    "findings",
    "findingsConnection",
    "syncRunsConnection",
    "node",
    "nodes",
)
CATALOGUE_ROOTS = frozenset(ROOTS)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A database of its own holding the module's catalogue, and the ids documents refer to.

    Committed, and each request on a session of its own, as the endpoint runs them: a request
    whose non-null root field fails has its sibling fields' statements cancelled, and a
    cancelled statement invalidates its connection (the pool then discards it).
    """

    engine: AsyncEngine
    placeholders: dict[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
async def catalogue(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalogue]:
    """The sample catalogue with links, their health and checks, and findings."""
    backend: str = request.param
    async with migrated_database(backend, tmp_path_factory.mktemp(backend)) as database:
        async with AsyncSession(database.engine, expire_on_commit=False) as session:
            placeholders = await _build(session)
            await session.commit()
        yield Catalogue(database.engine, placeholders)


async def _build(session: AsyncSession) -> dict[str, str]:
    sample = await build_sample_catalogue(session)
    page = await make_link(session, url="https://phelma.example/exchange", school=sample.phelma)
    taught = await make_link(session, url="https://sicom.example/", programme=sample.sicom)
    await make_url_health(
        session,
        url=page.url,
        status=LinkStatus.REDIRECTED,
        final_url="https://phelma.example/en/exchange",
        redirects=[
            {"url": page.url, "status": 301},
            {"url": "https://phelma.example/en/exchange/", "status": 308},
        ],
        https_url="https://phelma.example/exchange",
    )
    await make_url_health(
        session,
        url=taught.url,
        status=LinkStatus.BROKEN,
        http_status=None,
        response_ms=None,
        error="connection refused",
        consecutive_failures=2,
    )
    runs = [
        await make_sync_run(session, started_at=at)
        for at in (_at("2026-03-01T04:00:00"), _at("2026-03-02T04:00:00.250000"))
    ]
    # A run with every part of its record filled (members out of order), started at the same
    # time as the previous one: the id breaks the tie.
    runs.append(
        await make_sync_run(
            session,
            started_at=_at("2026-03-02T04:00:00.250000"),
            finished_at=_at("2026-03-02T04:10:00"),
            status=SyncRunStatus.PARTIAL,
            schools=["phelma", "aalto-university"],
            links_total=3,
            links_checked=2,
            links_reached=1,
            counts={"TIMEOUT": 1, "OK": 1, "BLOCKED_BY_ROBOTS": 0},
            errors={"phelma": "database is locked", "aalto-university": "boom", "Élan": "é"},
            skipped={"ensiie": "no links"},
            error="interrupted",
        )
    )
    checks = [
        await make_link_check(
            session,
            run=run,
            link=link,
            redirects=[{"url": link.url, "status": 302}] if link is page else [],
        )
        for run in runs
        for link in (page, taught)
    ]
    finding = await make_finding(
        session,
        kind="dead_link",
        origin="sync",
        message="The exchange page answers 404.",
        detail={"url": taught.url, "status": 404, "nested": {"b": 1, "a": [True, None]}},
        school=sample.phelma,
        first_seen_at=_at("2026-03-02T04:00:00.5"),
    )
    resolved = await make_finding(
        session,
        kind="link_to_other_school",
        school=sample.phelma,
        first_seen_at=_at("2026-03-01T00:00:00"),
        resolved_at=_at("2026-03-02T00:00:00"),
    )
    # Deadlines for offersConnection(orderBy: DEADLINE): served by override, scraped, none.
    autumn = {"kind": "application", "semester": "autumn"}
    for school, date in ((sample.aalto, "2026-04-15"), (sample.ensimag, "2026-05-01")):
        await make_school_fact(
            session,
            school=school,
            field="deadline",
            key="application/autumn",
            value={**autumn, "date": date},
        )
    await make_override(
        session,
        school=sample.ensimag,
        field="deadline",
        key="application/autumn",
        value={**autumn, "date": "2026-03-01"},
    )
    await make_school_fact(
        session,
        school=sample.phelma,
        field="deadline",
        key="application/spring",
        value={"date": "--03-31"},
    )
    await _facts(session, sample)
    offer = (await _offer_ids(session))[0]
    aalto = (await _offer_ids(session, sample.aalto.id))[0]
    return {
        "@@year-cursor@@": encode_position("offer-by-academic_year:", ("2019/2020", aalto)),
        "@@places-cursor@@": encode_position("offer-by-places:", (2, aalto)),
        "@@deadline-cursor@@": encode_position("offer-by-deadline:", (0, "2026-04-15", aalto)),
        "@@name-cursor@@": ORDERED_CURSORS[0],
        "@@country-cursor@@": ORDERED_CURSORS[1],
        "@@slug-cursor@@": encode_cursor("aalto-university"),
        "@@slug-end@@": encode_cursor("telecom-saint-etienne"),
        "@@phelma-cursor@@": encode_cursor("phelma"),
        "@@offer@@": f"Offer:{offer}",
        "@@link@@": f"Link:{page.id}",
        "@@check@@": f"LinkCheck:{checks[0].id}",
        "@@finding@@": f"Finding:{finding.id}",
        "@@finding-cursor@@": encode_time_cursor(FINDING_CURSOR, finding.first_seen_at, finding.id),
        "@@old-finding-cursor@@": encode_time_cursor(
            FINDING_CURSOR, _at("2026-03-01T00:00:00"), resolved.id
        ),
        "@@run@@": f"SyncRun:{runs[0].id}",
        "@@run-cursor@@": encode_time_cursor(SYNC_RUN_CURSOR, runs[1].started_at, runs[1].id),
        "@@check-cursor@@": encode_time_cursor(
            LINK_CHECK_CURSOR, checks[2].checked_at, checks[2].id
        ),
    }


async def _facts(session: AsyncSession, sample: Any) -> None:
    """What the student filters decide on and ``School.info`` serves: every kind of value,
    scraped, overridden, overridden alone, stale and unsure, lenient shapes included."""
    requirements: list[tuple[Any, str, dict[str, Any]]] = [
        (sample.aalto, "en/cefr/required", {"language": "en", "level": "B2", "required": True}),
        (sample.aalto, "fi/cefr/recommended", {"level": "C1"}),
        (sample.phelma, "fr/cefr/required", {"language": "fr", "level": "b1"}),
        (sample.phelma, "en/toefl_ibt/required", {"test": "TOEFL iBT", "score": 80}),
        (sample.ensimag, "en", {"language": "EN", "level": "C1", "required": None}),
        (sample.ensimag, "it/cefr/x", {"level": "A2", "score": 7.5, "required": "yes"}),
    ]
    for index, (school, key, value) in enumerate(requirements):
        await make_school_fact(
            session,
            school=school,
            field="language_requirement",
            key=key,
            value=value,
            stale=index == 1,
            confidence=0.55 if index == 3 else 0.9,
            snippet="B1 in French" if index == 2 else "",
        )
    await make_override(
        session,
        school=sample.phelma,
        field="language_requirement",
        key="fr/cefr/required",
        value={"language": "fr", "level": "A2"},
        created_at=_at("2026-02-01T10:30:00.125000"),
    )
    deadlines: list[tuple[Any, str, dict[str, Any]]] = [
        (sample.ensimag, "nomination/any", {"date": "2026-02-30", "opens": "2026-01-01"}),
        (sample.phelma, "application/year", {"date": "2027-01-10", "semester": "year"}),
        (sample.aalto, "application/spring", {"date": "2025-10-01", "kind": "Application"}),
    ]
    for school, key, value in deadlines:
        await make_school_fact(session, school=school, field="deadline", key=key, value=value)
    # An override with no scraped value beside it, and one with no reason.
    await make_override(
        session,
        school=sample.aalto,
        field="deadline",
        key="nomination/autumn",
        value={"date": "--02-15"},
        reason="",
    )
    phelma: list[tuple[str, str, dict[str, Any]]] = [
        ("email", "ri@phelma.example", {"email": "ri@phelma.example", "label": "Incoming"}),
        ("email", "b@phelma.example", {"label": 3}),
        ("phone", "+33456529100", {"phone": "+33456529100"}),
        ("address", "", {"street": "3 parvis", "locality": "Grenoble", "country_code": "FR"}),
        ("credits", "semester", {"min": 20, "max": 36.5, "typical": 30}),
        ("credits", "year", {"per": "year", "typical": True}),
        ("duration", "", {"options": ["semester", "year", "decade", 2]}),
        ("description", "", {"text": "An engineering school."}),
        ("logo", "", {"url": "https://phelma.example/logo.png"}),
        ("name", "", {"name": "Grenoble INP - Phelma"}),
        ("title", "", {"text": "A page fact"}),
    ]
    for field, key, value in phelma:
        await make_school_fact(
            session, school=sample.phelma, field=field, key=key, value=value, snippet=field
        )
    await make_school_fact(
        session, school=sample.aalto, field="address", key="", value={"locality": "Espoo"}
    )
    await make_override(
        session, school=sample.phelma, field="city", value={"value": "Saint-Martin"}
    )
    await make_override(session, school=sample.aalto, field="website", value={"value": 12})


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _offer_ids(session: AsyncSession, school_id: int | None = None) -> list[int]:
    query = text(
        "SELECT id FROM offer WHERE CAST(:school AS INTEGER) IS NULL OR school_id = :school "
        "ORDER BY id"
    )
    return list((await session.scalars(query, {"school": school_id})).all())


def _ordered(value: Any) -> Any:
    """``value`` with each object as its (key, value) pairs: the key order is compared too."""
    if isinstance(value, dict):
        return [(key, _ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return value


def _answer(result: ExecutionResult) -> Any:
    errors = [error.formatted for error in result.errors or []]
    return _ordered(json.loads(json.dumps({"data": result.data, "errors": errors})))


async def _compare(
    catalogue: Catalogue,
    schema: CatalogueSchema,
    compiler: ReadCompiler,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    session = AsyncSession(catalogue.engine, expire_on_commit=False)
    db = SerializedSession(session)
    try:
        compiled = await executor(session, schema, compiler, db)(query, variables)
    finally:
        await _close(session, db)
    session = AsyncSession(catalogue.engine, expire_on_commit=False)
    db = SerializedSession(session)
    try:
        resolved = await _resolver(session, schema, db)(query, variables, 0)
    finally:
        await _close(session, db)
    assert _answer(compiled) == _answer(resolved), (query, variables)


async def _close(session: AsyncSession, db: SerializedSession) -> None:
    """Close as the endpoint does: after the statements of abandoned loader batches end."""
    try:
        await db.close()
    except DBAPIError:
        # Its connection was closed under it by a cancelled statement: drop it from the pool.
        await session.invalidate()


# Every document of the test suite that reads the catalogue.


def _string_constants(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
            yield node.value


def _reads_catalogue(schema: GraphQLSchema, text: str) -> bool:
    try:
        document = parse(text)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return False
    if validate(schema, document):
        return False
    # Documents that need variables are run with theirs below (DOCUMENTS).
    if any(
        isinstance(v.type, NonNullTypeNode) and v.default_value is None
        for v in operations[0].variable_definitions or ()
    ):
        return False
    roots = {
        s.name.value for s in operations[0].selection_set.selections if isinstance(s, FieldNode)
    }
    return bool(roots) and roots <= CATALOGUE_ROOTS


def _suite_documents() -> list[str]:
    from service.config import Settings
    from service.graphql.schema import build_schema

    schema = build_schema(Settings(_env_file=None))._schema
    found: dict[str, None] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        for document in _string_constants(path):
            if _reads_catalogue(schema, document):
                found[document] = None
    return list(found)


SUITE_DOCUMENTS = _suite_documents()


def test_the_suite_has_catalogue_documents_to_compare() -> None:
    # The collection itself: a change that made it find nothing would make the test below empty.
    assert len(SUITE_DOCUMENTS) >= 50


@pytest.mark.parametrize("query", SUITE_DOCUMENTS)
async def test_each_suite_document_answers_alike_on_both_paths(
    catalogue: Catalogue, schema: CatalogueSchema, compiler: ReadCompiler, query: str
) -> None:
    await _compare(catalogue, schema, compiler, _substituted(query, catalogue), None)


@pytest.mark.parametrize(("query", "variables"), DOCUMENTS)
async def test_each_document_with_variables_answers_alike_on_both_paths(
    catalogue: Catalogue,
    schema: CatalogueSchema,
    compiler: ReadCompiler,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    await _compare(catalogue, schema, compiler, query, variables)


#: Documents over every field the compiler covers: it must answer them itself.
COVERED = [
    """{ school(slug: "phelma") { id slug parent { id }
      links { id url role __typename
        health { id status httpStatus finalUrl responseTimeMs error contentType checkedAt
          lastOkAt consecutiveFailures httpsUrl redirects { url status __typename } }
        checks { id status httpStatus finalUrl redirects { status url } responseTimeMs error
          checkedAt }
        latest: checks(last: 1) { id checkedAt } none: checks(last: 0) { id } }
      findings { id kind origin severity message detail sourceLine firstSeenAt resolvedAt
        school { id } }
      all: findings(includeResolved: true) { id resolvedAt }
      dead: findings(kinds: ["dead_link"], includeResolved: true) { kind }
      programmes { id links { id url } schools { id }
        offers { id eligibleFor(homeTrack: " isem ") iel: eligibleFor(homeTrack: "IEL")
          matchedOnUnknown programme { id } } } } }""",
    """{ countries { id schools { id offers(includeRetired: true) { id programme { id } } } }
       homeTracks { id selectionRule { id homeTrack { id } } }
       offers { id matchedOnUnknown school { id links { checks(last: 50) { id } } } } }""",
    """{ a: schools(orderBy: NAME, first: 3) { totalCount edges { cursor node { name } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       b: schools(orderBy: COUNTRY, last: 2) { edges { cursor node { slug } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       c: schools(last: 2, before: "@@phelma-cursor@@", filter: { partnersOnly: false }) {
         nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       d: schools(orderBy: NAME, first: 2, after: "@@name-cursor@@") { nodes { name }
         pageInfo { hasNextPage hasPreviousPage } }
       e: schools(orderBy: COUNTRY, last: 1, before: "@@country-cursor@@") { nodes { slug }
         pageInfo { hasNextPage hasPreviousPage } }
       f: schools(orderBy: SLUG, first: 1, after: "@@slug-cursor@@", before: "@@slug-end@@") {
         nodes { slug } pageInfo { hasNextPage hasPreviousPage } } }""",
    """{ findings { id kind detail school { id } }
       mine: findings(filter: { school: "phelma", includeResolved: true }) { id resolvedAt }
       none: findings(filter: { school: "nowhere" }) { id }
       some: findings(filter: { severities: [INFO, WARNING], origin: "import",
         kinds: ["link_to_other_school", "country_name_corrected"], includeResolved: true }) {
         id severity } }""",
    """{ a: offersConnection { totalCount __typename edges { cursor __typename node { id places } }
         nodes { id school { slug } } pageInfo { hasNextPage hasPreviousPage startCursor
         endCursor __typename } }
       b: offersConnection(orderBy: PLACES, first: 2, after: "@@places-cursor@@") {
         edges { cursor node { places } } pageInfo { hasNextPage hasPreviousPage endCursor } }
       c: offersConnection(orderBy: DEADLINE, last: 2, before: "@@deadline-cursor@@") {
         edges { cursor node { school { slug } } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       d: offersConnection(orderBy: DEADLINE, first: 3, after: "@@deadline-cursor@@",
         filter: { homeTrack: "ISEM" }) { totalCount edges { cursor node { id } }
         pageInfo { hasNextPage hasPreviousPage } }
       e: offersConnection(last: 1, after: "@@year-cursor@@") { totalCount nodes { id }
         pageInfo { hasNextPage hasPreviousPage startCursor } }
       f: offersConnection(first: 0, filter: { countryCode: "zz" }) { totalCount nodes { id }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       g: offersConnection(orderBy: DEADLINE) { edges { cursor node { school { slug } } } } }""",
    """{ schools(filter: { partnersOnly: false }) { nodes { slug info { ...I } } }
       school(slug: "phelma") { info { name { ...P value } contacts { __typename
         emails { ...P email label } phones { ...P number label } } } } }
    fragment P on SourcedValue { key source sourceUrl fetchedAt lastGoodAt stale confidence
      needsReview extractor snippet overrideReason overriddenAt __typename }
    fragment I on SchoolInfo { __typename name { ...P value } city { ...P value }
      countryCode { ...P value } website { ...P value } description { ...P value }
      logo { value ...P } address { street postalCode locality countryCode ...P }
      deadlines { kind semester date opens ...P }
      languageRequirements { language level test minimumScore required ...P }
      credits { period minimum maximum typical ...P } duration { options ...P }
      contacts { emails { email label } phones { number ...P } } }""",
    # The depth-10 cycle: on SQLite its levels are CTEs (decision 0190), one statement still.
    (
        "{ countries { schools { country { schools { country { schools { country { schools "
        "{ country { slug: code schools { name } } } } } } } } } } }"
    ),
    """query S($levels: [LanguageLevelInput!], $day: Date, $term: Semester) {
       a: offers(filter: { languageAtMost: $levels, deadlineOnOrAfter: $day, semester: $term }) {
         id matchedOnUnknown school { slug offers { matchedOnUnknown } } }
       b: offersConnection(first: 3, filter: { languageAtMost: [{ language: " EN ", level: B2 }],
         deadlineOnOrAfter: "2026-04-01" }) { totalCount edges { cursor node { id
         matchedOnUnknown } } nodes { school { slug } } pageInfo { hasNextPage endCursor } }
       c: offers(filter: { semester: SPRING }) { id matchedOnUnknown }
       d: offers(filter: { semester: AUTUMN, deadlineOnOrAfter: "2026-03-15" }) { id
         matchedOnUnknown }
       e: offers(filter: { languageAtMost: [{ language: "fr", level: A2 },
         { language: "it", level: A1 }] }) { id matchedOnUnknown }
       f: offers(filter: { languageAtMost: [] }) { id matchedOnUnknown } }""",
    """{ a: findingsConnection { totalCount __typename edges { cursor __typename node { id } }
         nodes { kind firstSeenAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       b: findingsConnection(first: 1, filter: { includeResolved: true }) {
         edges { cursor node { id kind resolvedAt } } pageInfo { hasNextPage endCursor } }
       c: findingsConnection(after: "@@finding-cursor@@", filter: { includeResolved: true }) {
         totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } }
       d: findingsConnection(last: 1, before: "@@old-finding-cursor@@",
         filter: { includeResolved: true, school: "phelma" }) {
         edges { cursor node { id school { slug } } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       e: findingsConnection(last: 5, filter: { school: "nowhere" }) { totalCount nodes { id }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
    """{ a: node(id: "School:phelma") { id __typename ... on School { slug country { id } } }
       b: nodes(ids: ["Country:FI", "HomeTrack:ISEM", "Programme:sicom-phelma-ense3",
         "Programme:phelma:sicom-phelma-ense3", "Programme:ense3:sicom-phelma-ense3",
         "Programme:aalto-university:sicom-phelma-ense3", "@@offer@@", "@@link@@", "@@check@@",
         "@@finding@@", "School:", "Nothing:1", "Offer:x", "Offer:1:2", "Country:fi",
         "SelectionRule:1", "LinkHealth:1", "Offer:99999"]) {
         id __typename ...F
         ... on Programme { key offers { id school { slug } } }
         ... on Offer { places programme { id } }
         ... on Link { url health { status } checks(last: 1) { id } }
         ... on LinkCheck { status } ... on LinkHealth { finalUrl }
         ... on Finding { kind school { slug } } ... on Country { code }
         ... on SelectionRule { semesters } }
       c: node(id: "nope") { id }
       d: nodes(ids: []) { id } }
    fragment F on Node { ... on HomeTrack { code selectionRule { id } } }""",
    # A run by its global id (decision 0322), beside other types and ids that answer null.
    """{ a: node(id: "@@run@@") { id __typename ... on SyncRun { number status startedAt
         finishedAt schools linksTotal linksChecked linksReached counts { status count }
         errors { slug message } skipped { slug message } error } }
       b: nodes(ids: ["School:phelma", "@@run@@", "SyncRun:-1", "SyncRun:x"]) { id } }""",
    """{ a: syncRunsConnection(first: 2) { totalCount __typename
         edges { __typename cursor node { id number status startedAt finishedAt schools
           linksTotal linksChecked linksReached counts { status count } errors { slug message }
           skipped { slug message } error } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       b: syncRunsConnection(after: "@@run-cursor@@") { nodes { number }
         pageInfo { hasNextPage hasPreviousPage } }
       c: syncRunsConnection(last: 1, before: "@@run-cursor@@") { edges { cursor node { id } }
         pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
       d: syncRunsConnection(last: 0) { totalCount nodes { id } pageInfo { startCursor } } }""",
    """{ node(id: "@@check@@") {
         ... on LinkCheck { id run { number status counts { count } } } } }""",
    """{ school(slug: "phelma") { links { url
         a: checksConnection(first: 1) { totalCount __typename
           edges { __typename cursor node { id status checkedAt redirects { url } run { number } } }
           pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor } }
         b: checksConnection(after: "@@check-cursor@@") { nodes { id }
           pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
         c: checksConnection(last: 1, before: "@@check-cursor@@") { edges { cursor node { id } }
           pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
         d: checksConnection(last: 5) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } }
         e: checksConnection(first: 0) { totalCount nodes { id } pageInfo { startCursor } }
         f: checksConnection { totalCount } } } }""",
    """{ schools(first: 3) { nodes { slug links { checksConnection(last: 1) {
         edges { cursor } } } } } }""",
]

#: Argument values the resolvers refuse: the compiler hands them over, the errors are theirs.
REFUSED = [
    "{ syncRunsConnection(first: 101) { totalCount } }",
    "{ syncRunsConnection(last: -1) { totalCount } }",
    "{ syncRunsConnection(first: 1, last: 1) { totalCount } }",
    '{ syncRunsConnection(after: "garbage") { totalCount } }',
    '{ syncRunsConnection(before: "@@check-cursor@@") { totalCount } }',
    '{ school(slug: "phelma") { links { checksConnection(first: 101) { totalCount } } } }',
    '{ school(slug: "phelma") { links { checksConnection(last: -1) { totalCount } } } }',
    '{ school(slug: "phelma") { links { checksConnection(first: 1, last: 1) { totalCount } } } }',
    '{ school(slug: "phelma") { links { checksConnection(after: "garbage") { totalCount } } } }',
    (
        '{ school(slug: "phelma") { links { checksConnection(before: "@@run-cursor@@") {'
        " totalCount } } } }"
    ),
]


@pytest.mark.parametrize("query", COVERED)
async def test_the_compiler_answers_the_fields_it_covers_itself(
    catalogue: Catalogue, schema: CatalogueSchema, compiler: ReadCompiler, query: str
) -> None:
    query = _substituted(query, catalogue)
    assert await _compiled(catalogue, compiler, query) is not None
    await _compare(catalogue, schema, compiler, query, None)


@pytest.mark.parametrize(
    "query",
    [
        # SyncRun.stats is the resolvers' (decision 0322): a run's node asking for it is theirs.
        '{ node(id: "@@run@@") { ... on SyncRun { number stats { bytes } } } }',
        # A selection the relation table cannot compile for the id's type.
        (
            '{ node(id: "School:phelma") { ... on School { links { checks { run { stats { bytes }'
            "}}}}}}"
        ),
        *REFUSED,
    ],
)
async def test_what_the_compiler_does_not_read_goes_to_the_resolvers(
    catalogue: Catalogue, schema: CatalogueSchema, compiler: ReadCompiler, query: str
) -> None:
    query = _substituted(query, catalogue)
    assert await _compiled(catalogue, compiler, query) is None
    await _compare(catalogue, schema, compiler, query, None)


async def _compiled(catalogue: Catalogue, compiler: ReadCompiler, query: str) -> Any:
    """The compiler's own answer (None: it hands the operation to the resolvers)."""
    async with AsyncSession(catalogue.engine) as session:
        return await compiler.execute(
            SerializedSession(session), query, None, None, max_page_size=100, data_version=0
        )


def _substituted(text: str, catalogue: Catalogue) -> str:
    for placeholder, value in catalogue.placeholders.items():
        text = text.replace(placeholder, value)
    return text


# Random selections over the catalogue types.

#: The types selections go through; a field of another type is left out.
TYPES = frozenset(
    {
        "Country",
        "School",
        "Programme",
        "Offer",
        "HomeTrack",
        "SelectionRule",
        "Link",
        "LinkHealth",
        "LinkCheck",
        "LinkCheckConnection",
        "LinkCheckEdge",
        "RedirectHop",
        "Finding",
        "SchoolConnection",
        "SchoolEdge",
        "OfferConnection",
        "OfferEdge",
        "FindingConnection",
        "FindingEdge",
        "PageInfo",
        "Node",
        "SchoolInfo",
        "Contacts",
        "InfoText",
        "Address",
        "Deadline",
        "LanguageRequirement",
        "Credits",
        "Duration",
        "EmailContact",
        "PhoneContact",
        "SyncRun",
        "SyncRunConnection",
        "SyncRunEdge",
        "StatusCount",
        "SchoolError",
    }
)
SLUGS = ["phelma", "aalto-university", "grenoble-inp", "ensiie", "nowhere"]
IDS = [
    "School:phelma",
    "Country:FI",
    "HomeTrack:ISEM",
    "Programme:sicom-phelma-ense3",
    "Programme:phelma:sicom-phelma-ense3",
    "@@offer@@",
    "@@link@@",
    "@@check@@",
    "@@finding@@",
    "@@run@@",
    "School:",
    "Nothing:1",
    "Offer:x",
]
#: Cursors of pages by name and by country (``SchoolOrder``), at Phelma.
ORDERED_CURSORS = [
    encode_position("school-by-name:", ("Phelma", "phelma")),
    encode_position("school-by-country:", ("FR", "phelma")),
]
#: Cursors of offer pages in each order (``OfferOrder``, at Aalto's offer) and of findings.
CONNECTION_CURSORS = [
    "@@year-cursor@@",
    "@@places-cursor@@",
    "@@deadline-cursor@@",
    "@@finding-cursor@@",
    "@@old-finding-cursor@@",
    encode_position(FINDING_CURSOR, ("2026-03-01T00:00:00", 1)),  # a time without a zone
    "@@run-cursor@@",
    "@@check-cursor@@",
    encode_position(SYNC_RUN_CURSOR, ("2026-03-01T00:00:00", 1)),
]
#: Values per argument or input field name, in their JSON form (enums by name).
POOLS: dict[str, list[Any]] = {
    "slug": SLUGS,
    "school": SLUGS,
    "code": ["fr", "FI", " ca ", "ZZ"],
    "codes": ["fi", "CA", "FR", "zz"],
    "countryCodes": ["fi", "CA", "FR", "zz"],
    "countryCode": ["fr", "FI", "zz"],
    "homeTrack": ["ISEM", " iel ", "XX"],
    "academicYear": ["2019/2020", "2018/2019"],
    "kinds": ["country_name_corrected", "link_to_other_school", "dead_link"],
    "origin": ["import", "sync"],
    "language": ["en", "fr"],
    "first": [0, 1, 2, 20, 101, -1],
    "last": [0, 1, 2, 10, 50, 51, -1],
    "after": [
        encode_cursor("ense3"),
        encode_cursor("phelma"),
        *ORDERED_CURSORS,
        *CONNECTION_CURSORS,
        "garbage",
    ],
    "before": [encode_cursor("phelma"), *ORDERED_CURSORS, *CONNECTION_CURSORS, "garbage"],
    "id": IDS,
    "ids": IDS,
    "deadlineOnOrAfter": ["2020-01-01", "2030-06-30"],
}
DEFAULTS: dict[str, list[Any]] = {
    "Int": [0, 1, 3],
    "Boolean": [True, False],
    "String": ["fr", "phelma"],
    "ID": IDS,
    "Date": ["2026-01-01"],
}


class _Document:
    """One generated operation: its text is built while its parts are drawn."""

    def __init__(self, draw: st.DrawFn, schema: GraphQLSchema) -> None:
        self.draw = draw
        self.schema = schema
        self.names = 0
        self.definitions: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: list[str] = []

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def text(self, roots: list[str]) -> str:
        header = f"({', '.join(self.definitions)})" if self.definitions else ""
        return " ".join([f"query Q{header} {{ {' '.join(roots)} }}", *self.fragments])

    # Arguments and their values.

    def value(self, type_: GraphQLInputType, name: str) -> Any:
        if isinstance(type_, GraphQLNonNull):
            return self.value(type_.of_type, name)
        if self.draw(st.integers(0, 9)) == 0:
            return None
        if isinstance(type_, GraphQLList):
            size = self.draw(st.integers(0, 2))
            return [self.value(GraphQLNonNull(type_.of_type), name) for _ in range(size)]
        if isinstance(type_, GraphQLInputObjectType):
            fields = self.draw(st.lists(st.sampled_from(sorted(type_.fields)), unique=True))
            return {field: self.value(type_.fields[field].type, field) for field in fields}
        if isinstance(type_, GraphQLEnumType):
            return self.draw(st.sampled_from(sorted(type_.values)))
        named = get_named_type(type_)
        return self.draw(st.sampled_from(POOLS.get(name) or DEFAULTS[named.name]))

    def literal(self, type_: GraphQLInputType, value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(type_, GraphQLNonNull):
            return self.literal(type_.of_type, value)
        if isinstance(type_, GraphQLList):
            return "[" + ", ".join(self.literal(type_.of_type, item) for item in value) + "]"
        if isinstance(type_, GraphQLInputObjectType):
            body = ", ".join(
                f"{key}: {self.literal(type_.fields[key].type, item)}"
                for key, item in value.items()
            )
            return "{" + body + "}"
        if isinstance(type_, GraphQLEnumType):
            return str(value)
        return json.dumps(value)

    def argument(self, type_: GraphQLInputType, name: str) -> str:
        value = self.value(type_, name)
        if value is None and isinstance(type_, GraphQLNonNull):
            value = self.value(type_, name)
            if value is None:
                value = self.draw(st.sampled_from(POOLS.get(name) or [0]))
        if self.draw(st.integers(0, 3)) == 0:
            variable = self.name("v")
            self.definitions.append(f"${variable}: {type_}")
            self.variables[variable] = value
            return f"${variable}"
        return self.literal(type_, value)

    def arguments(self, field: Any) -> str:
        given = []
        for name, argument in field.args.items():
            required = isinstance(argument.type, GraphQLNonNull) and (
                argument.default_value is Undefined
            )
            if required or self.draw(st.booleans()):
                given.append(f"{name}: {self.argument(argument.type, name)}")
        return f"({', '.join(given)})" if given else ""

    def directive(self) -> str:
        choice = self.draw(st.integers(0, 5))
        if choice > 1:
            return ""
        name = "skip" if choice == 0 else "include"
        if self.draw(st.booleans()):
            variable = self.name("b")
            self.definitions.append(f"${variable}: Boolean!")
            self.variables[variable] = self.draw(st.booleans())
            return f" @{name}(if: ${variable})"
        return f" @{name}(if: {'true' if self.draw(st.booleans()) else 'false'})"

    # Selections.

    def selection(self, type_: GraphQLNamedType, depth: int) -> str:
        if isinstance(type_, GraphQLInterfaceType):
            return self.abstract(type_, depth)
        assert isinstance(type_, GraphQLObjectType)
        names = [
            name
            for name, field in type_.fields.items()
            if _selectable(get_named_type(field.type), depth)
        ]
        if not names:
            return "__typename"  # only objects below, and no depth left for them (Contacts)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        # The first field is unconditional, so that no selection ends up empty.
        parts = [
            self.field(type_, name, depth, conditional=index > 0)
            for index, name in enumerate(chosen)
        ]
        return self.grouped(type_.name, parts)

    def field(self, type_: GraphQLObjectType, name: str, depth: int, *, conditional: bool) -> str:
        field = type_.fields[name]
        arguments = self.arguments(field)
        # Fields with arguments get an alias of their own: never two argument sets on one key.
        alias = f"{self.name('a')}: " if arguments or self.draw(st.integers(0, 4)) == 0 else ""
        inner = ""
        target = get_named_type(field.type)
        if not _leaf(target):
            inner = f" {{ {self.selection(target, depth - 1)} }}"
        directive = self.directive() if conditional else ""
        return f"{alias}{name}{arguments}{directive}{inner}"

    def abstract(self, type_: GraphQLInterfaceType, depth: int) -> str:
        possible = [
            t.name
            for t in self.schema.get_possible_types(type_)
            if t.name in TYPES and t.name != "Node"
        ]
        parts = [self.draw(st.sampled_from(["id", "__typename"]))]
        for name in self.draw(st.lists(st.sampled_from(possible), max_size=2, unique=True)):
            object_type = self.schema.get_type(name)
            assert isinstance(object_type, GraphQLObjectType)
            # Types sharing a field name may type it differently: alias each field apart.
            inner = self.selection(object_type, depth)
            parts.append(f"... on {name} {{ {inner} }}")
        return " ".join(parts)

    def grouped(self, type_name: str, parts: list[str]) -> str:
        """``parts``, some of them moved into an inline or a named fragment."""
        how = self.draw(st.integers(0, 4))
        if how > 1 or len(parts) < 2:
            return " ".join(parts)
        cut = self.draw(st.integers(1, len(parts) - 1))
        inside = " ".join(parts[cut:])
        if how == 0:
            return " ".join([*parts[:cut], f"... on {type_name}{self.directive()} {{ {inside} }}"])
        fragment = self.name("F")
        self.fragments.append(f"fragment {fragment} on {type_name} {{ {inside} }}")
        return " ".join([*parts[:cut], f"...{fragment}{self.directive()}"])


def _leaf(type_: GraphQLNamedType) -> bool:
    return not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType)


def _selectable(type_: GraphQLNamedType, depth: int) -> bool:
    return _leaf(type_) or (depth > 0 and type_.name in TYPES)


@st.composite
def operations(draw: st.DrawFn, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    """A valid catalogue read operation and its variables."""
    document = _Document(draw, schema)
    query_type = schema.query_type
    assert query_type is not None
    roots = []
    for name in draw(st.lists(st.sampled_from(ROOTS), min_size=1, max_size=3)):
        field = query_type.fields[name]
        arguments = document.arguments(field)
        inner = document.selection(get_named_type(field.type), 3)
        roots.append(f"{document.name('r')}: {name}{arguments} {{ {inner} }}")
    return document.text(roots), document.variables


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
async def test_random_selections_answer_alike_on_both_paths(
    catalogue: Catalogue, schema: CatalogueSchema, compiler: ReadCompiler, data: st.DataObject
) -> None:
    query, variables = data.draw(operations(schema._schema))
    # Sibling fragments on two types may select one field name with two types: not valid.
    assume(not validate(schema._schema, parse(query)))
    query = _substituted(query, catalogue)
    variables = json.loads(_substituted(json.dumps(variables), catalogue))
    await _compare(catalogue, schema, compiler, query, variables)
