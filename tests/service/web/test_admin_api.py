"""Admin mutations and queries over HTTP: the token gate, the effects, the typed errors."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from sqlalchemy import select

from scrapers.fetch import MappingResolver
from service.config import Settings
from service.db.engine import create_sessionmaker
from service.db.models import AdminAction, JobRequest, RunStatus, School, SchoolOverride
from service.db.versioning import read_data_version
from service.operations.scheduler_state import record_next_run, record_run_finished
from service.operations.school_backoff import BackoffPolicy, record_school_outcome
from tests.databases import TestDatabase
from tests.service.web.admin_api import BEARER, MUTATIONS, QUERIES, TOKEN, post, table_rows
from tests.service.web.conftest import serve

FIELDS = "city, countryCode, description, logo, name, shortName, website"
REFUSALS = {
    "disabled": ("admin mutations are disabled: no ADMIN_TOKEN is configured", {}),
    "missing": ("this needs the admin token: send 'Authorization: Bearer <token>'", {}),
    "wrong": ("the admin token is not valid", {"Authorization": "Bearer not-the-admin-token"}),
}


def _settings(database: TestDatabase, *, admin_token: str | None) -> Settings:
    # model_copy does not validate: give the secret its type.
    token = None if admin_token is None else SecretStr(admin_token)
    return database.settings.model_copy(update={"admin_token": token})


async def test_without_the_right_token_every_admin_field_is_refused_and_nothing_is_written(
    fresh_database: TestDatabase,
) -> None:
    before = await table_rows(fresh_database.engine)
    for outcome, (message, headers) in REFUSALS.items():
        token = None if outcome == "disabled" else TOKEN
        async with serve(_settings(fresh_database, admin_token=token)) as client:
            for name, document in {**MUTATIONS, **QUERIES}.items():
                data = await post(client, document, headers)
                assert data[name] == {
                    "__typename": "AdminRefused",
                    "outcome": outcome.upper(),
                    "message": message,
                }, (outcome, name)
            # Over GET a mutation is not even executed, token or not.
            response = await client.get(
                "/graphql", params={"query": MUTATIONS["retireSchool"]}, headers=BEARER
            )
            assert response.status_code == 405
    assert await table_rows(fresh_database.engine) == before


async def test_with_the_token_each_mutation_takes_effect_and_is_logged(
    fresh_database: TestDatabase,
) -> None:
    sessions = create_sessionmaker(fresh_database.engine)
    async with sessions() as session:
        version = await read_data_version(session)
    async with serve(_settings(fresh_database, admin_token=TOKEN)) as client:
        sync = await post(client, MUTATIONS["requestSync"], BEARER)
        faq = await post(client, MUTATIONS["importFaq"], BEARER)
        city = await post(client, MUTATIONS["overrideSchoolField"], BEARER)
        await post(
            client,
            'mutation { overrideSchoolField(slug: "aalto-university", field: "name", '
            'value: "Aalto-yliopisto", reason: "its Finnish name") { __typename } }',
            BEARER,
        )
        cleared = await post(client, MUTATIONS["clearOverride"], BEARER)
        retired = await post(client, MUTATIONS["retireSchool"], BEARER)
        await post(
            client,
            'mutation { retireSchool(slug: "telecom-saint-etienne", reason: "paused") '
            "{ __typename } }",
            BEARER,
        )
        restored = await post(client, MUTATIONS["restoreSchool"], BEARER)
        canada = await post(client, '{ country(code: "CA") { schools { slug } } }')

    assert sync["requestSync"] == {
        "__typename": "SyncRequested",
        "created": True,
        "request": {
            "kind": "SYNC",
            "status": "QUEUED",
            "schools": ["phelma"],
            "url": None,
            "requestedBy": sync["requestSync"]["request"]["requestedBy"],
        },
    }
    assert sync["requestSync"]["request"]["requestedBy"].startswith("token:")
    assert faq["importFaq"] == {
        "__typename": "FaqImportRequested",
        "created": True,
        "request": {
            "kind": "IMPORT_FAQ",
            "status": "QUEUED",
            "schools": [],
            "url": "https://ensias.example/faq/",
        },
    }
    assert city["overrideSchoolField"] == {
        "__typename": "SchoolFieldOverridden",
        "field": "city",
        "value": "Saint-Martin-d'Hères",
        "previous": None,
        "school": {"slug": "phelma", "city": "Saint-Martin-d'Hères"},
    }
    assert cleared["clearOverride"] == {
        "__typename": "OverrideCleared",
        "field": "name",
        "previous": "Aalto-yliopisto",
        "school": {"slug": "aalto-university", "name": "Aalto University"},
    }
    assert retired["retireSchool"] == {
        "__typename": "SchoolRetired",
        "alreadyRetired": False,
        "school": {"slug": "universite-de-sherbrooke"},
    }
    assert restored["restoreSchool"] == {
        "__typename": "SchoolRestored",
        "school": {"slug": "telecom-saint-etienne", "retiredAt": None},
    }
    assert canada == {"country": {"schools": []}}

    async with sessions() as session:
        jobs = await session.execute(select(JobRequest.kind, JobRequest.schools, JobRequest.url))
        assert [(kind.value, schools, url) for kind, schools, url in jobs] == [
            ("sync", ["phelma"], None),
            ("import_faq", [], "https://ensias.example/faq/"),
        ]
        overrides = await session.execute(
            select(School.slug, SchoolOverride.field, SchoolOverride.value)
            .join(School, School.id == SchoolOverride.school_id)
            .order_by(School.slug)
        )
        assert overrides.all() == [
            ("phelma", "city", {"value": "Saint-Martin-d'Hères"}),
            ("universite-de-sherbrooke", "retired", {"value": True}),
        ]
        retired_now = await session.scalars(
            select(School.slug).where(School.retired_at.is_not(None)).order_by(School.slug)
        )
        assert list(retired_now) == ["ensiie", "universite-de-sherbrooke"]
        actions = await session.execute(
            select(AdminAction.action, AdminAction.target, AdminAction.outcome).order_by(
                AdminAction.id
            )
        )
        assert [(action, target, outcome.value) for action, target, outcome in actions] == [
            ("request_sync", "phelma", "queued"),
            ("import_faq", "https://ensias.example/faq/", "queued"),
            ("override_school_field", "phelma", "applied"),
            ("override_school_field", "aalto-university", "applied"),
            ("clear_override", "aalto-university", "applied"),
            ("retire_school", "universite-de-sherbrooke", "applied"),
            ("retire_school", "telecom-saint-etienne", "applied"),
            ("restore_school", "telecom-saint-etienne", "applied"),
        ]
        assert await read_data_version(session) > version


async def test_invalid_input_is_a_typed_error_naming_the_argument(
    fresh_database: TestDatabase,
) -> None:
    cases = {
        'importFaq(url: "ftp://ensias.example/faq.md")': (
            "url",
            "'ftp://ensias.example/faq.md' is not an http or https URL",
        ),
        f'retireSchool(slug: "phelma", reason: "{"x" * 501}")': (
            "reason",
            "the reason is longer than 500 characters",
        ),
        'overrideSchoolField(slug: "phelma", field: "ranking", value: "1", reason: "r")': (
            "field",
            f"'ranking' cannot be overridden; fields: {FIELDS}",
        ),
        'importFaq(url: "http://169.254.169.254/latest/meta-data/")': (
            "url",
            (
                "169.254.169.254 is not a public address (link-local, where cloud metadata "
                "services live): give a public address"
            ),
        ),
        'importFaq(url: "http://0x7f.1:8000/faq.md")': (
            "url",
            "127.0.0.1 is not a public address (loopback): give a public address",
        ),
        'requestSync(schools: ["phelma", "atlantis"])': ("schools", "unknown schools: atlantis"),
        'clearOverride(slug: "atlantis", field: "city", reason: "r")': (
            "slug",
            "unknown school: atlantis",
        ),
    }
    before = await table_rows(fresh_database.engine)
    async with serve(_settings(fresh_database, admin_token=TOKEN)) as client:
        for call, (field, message) in cases.items():
            document = f"mutation {{ {call} {{ ... on InvalidInput {{ field message }} }} }}"
            (result,) = (await post(client, document, BEARER)).values()
            assert result == {"field": field, "message": message}, call
    after = await table_rows(fresh_database.engine)
    # Only the admin log moved: one rejected entry per attempt.
    assert {name for name, rows in after.items() if rows != before[name]} == {"admin_action"}
    async with create_sessionmaker(fresh_database.engine)() as session:
        outcomes = await session.scalars(select(AdminAction.outcome))
        assert [outcome.value for outcome in outcomes] == ["rejected"] * len(cases)


async def test_admin_queries_list_the_log_the_queue_and_the_scheduler(
    fresh_database: TestDatabase,
) -> None:
    sessions = create_sessionmaker(fresh_database.engine)
    async with sessions() as session:
        now = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
        await record_run_finished(session, "sync", at=now, status=RunStatus.SUCCEEDED)
        await record_next_run(session, "sync", next_run_at=now + timedelta(days=7))
        phelma_id = await session.scalar(select(School.id).where(School.slug == "phelma"))
        assert phelma_id is not None
        policy = BackoffPolicy(after_failures=1, base=timedelta(days=1), cap=timedelta(days=4))
        await record_school_outcome(
            session, phelma_id, succeeded=False, now=now, policy=policy, error="timeout"
        )
        await session.commit()
    async with serve(_settings(fresh_database, admin_token=TOKEN)) as client:
        await post(client, MUTATIONS["requestSync"], BEARER)
        await post(client, MUTATIONS["importFaq"], BEARER)
        actions = await post(client, QUERIES["adminActions"], BEARER)
        queued = await post(client, QUERIES["jobRequests"], BEARER)
        state = await post(client, QUERIES["schedulerState"], BEARER)
        only_done = await post(
            client,
            "{ jobRequests(status: DONE) { ... on JobRequestList { nodes { url } } } }",
            BEARER,
        )
    newest, oldest = actions["adminActions"]["nodes"]
    assert (newest["action"], newest["outcome"], newest["target"]) == (
        "import_faq",
        "QUEUED",
        "https://ensias.example/faq/",
    )
    assert (oldest["action"], oldest["reason"], oldest["payload"]["schools"]) == (
        "request_sync",
        "new pages",
        ["phelma"],
    )
    assert oldest["actor"].startswith("token:")
    assert TOKEN not in json.dumps(actions)
    assert queued["jobRequests"]["nodes"] == [
        {
            "kind": "IMPORT_FAQ",
            "status": "QUEUED",
            "schools": [],
            "url": "https://ensias.example/faq/",
        },
        {"kind": "SYNC", "status": "QUEUED", "schools": ["phelma"], "url": None},
    ]
    assert only_done == {"jobRequests": {"nodes": []}}
    assert state["schedulerState"] == {
        "__typename": "SchedulerStatus",
        "jobs": [
            {"job": "sync", "lastStatus": "SUCCEEDED", "nextRunAt": "2026-03-09T04:00:00+00:00"}
        ],
        "backoffs": [{"consecutiveFailures": 1, "school": {"slug": "phelma"}}],
    }


async def test_an_admin_actions_log_line_carries_the_request_id(
    fresh_database: TestDatabase, log_stream: io.StringIO
) -> None:
    async with serve(_settings(fresh_database, admin_token=TOKEN)) as client:
        response = await client.post(
            "/graphql",
            json={"query": MUTATIONS["retireSchool"]},
            headers={**BEARER, "X-Request-ID": "admin-req-1"},
        )
    assert response.headers["X-Request-ID"] == "admin-req-1"
    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    (line,) = [line for line in lines if line["logger"] == "service.admin"]
    assert (line["message"], line["request_id"], line["level"]) == (
        "admin retire_school on universite-de-sherbrooke: applied",
        "admin-req-1",
        "INFO",
    )
    assert line["actor"].startswith("token:")


async def test_import_faq_refuses_a_name_that_resolves_to_a_private_address(
    fresh_database: TestDatabase,
) -> None:
    resolver = MappingResolver({"faq.intranet.example": ["10.1.2.3"]})
    document = (
        'mutation { importFaq(url: "https://faq.intranet.example/mobilite.md") '
        "{ __typename ... on InvalidInput { field message } } }"
    )
    async with serve(_settings(fresh_database, admin_token=TOKEN), resolver=resolver) as client:
        data = await post(client, document, BEARER)
    assert data["importFaq"] == {
        "__typename": "InvalidInput",
        "field": "url",
        "message": "faq.intranet.example resolves to 10.1.2.3, not a public address (private): "
        "give a public address",
    }
    async with create_sessionmaker(fresh_database.engine)() as session:
        assert list(await session.scalars(select(JobRequest))) == []
