"""Asking for a sync or an FAQ import queues a request (deduplicated) and logs it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import MappingResolver
from service.addresses import IPAddress
from service.admin.job_requests import JobQueued, request_faq_import, request_sync
from service.admin.validation import InvalidInput
from service.db.models import AdminOutcome, JobKind, JobRequest, JobStatus
from service.db.versioning import read_data_version
from service.operations.admin_log import list_admin_actions
from tests.factories import make_school

ACTOR = "token:0123456789ab"
#: No name resolves (nothing is looked up in DNS): the fetch-time guard decides later.
NOWHERE = MappingResolver({})


async def _jobs(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(JobRequest)) or 0)


async def test_a_sync_request_is_queued_once_and_logged_each_time(session: AsyncSession) -> None:
    await make_school(session, slug="phelma", name="Phelma")
    await make_school(session, slug="ense3", name="Ense3")
    await session.commit()
    version = await read_data_version(session)

    first = await request_sync(
        session, actor=ACTOR, schools=["phelma", " ense3", "phelma"], reason="new pages online"
    )
    again = await request_sync(session, actor=ACTOR, schools=["ense3", "phelma"])

    assert isinstance(first, JobQueued)
    assert isinstance(again, JobQueued)
    assert (first.created, again.created, again.request.id) == (True, False, first.request.id)
    request = first.request
    assert (request.kind, request.status, request.schools, request.url, request.requested_by) == (
        JobKind.SYNC,
        JobStatus.QUEUED,
        ["ense3", "phelma"],
        None,
        ACTOR,
    )
    assert await _jobs(session) == 1
    second, first_entry = await list_admin_actions(session)
    assert (first_entry.action, first_entry.target, first_entry.outcome) == (
        "request_sync",
        "phelma, ense3",
        AdminOutcome.QUEUED,
    )
    assert first_entry.reason == "new pages online"
    assert first_entry.payload == {
        "job_request_id": request.id,
        "created": True,
        "schools": ["ense3", "phelma"],
        "url": None,
    }
    assert (second.reason, second.payload["created"]) == (None, False)
    # A queued request changes nothing a client reads: cached answers stay valid.
    assert await read_data_version(session) == version


async def test_a_sync_of_every_school_has_no_school_list(session: AsyncSession) -> None:
    result = await request_sync(session, actor=ACTOR, schools=[])
    assert isinstance(result, JobQueued)
    assert result.request.schools == []
    (entry,) = await list_admin_actions(session)
    assert entry.target == "all schools"


async def test_unknown_schools_are_a_typed_error_and_nothing_is_queued(
    session: AsyncSession,
) -> None:
    await make_school(session, slug="phelma", name="Phelma")
    result = await request_sync(session, actor=ACTOR, schools=["phelma", "atlantis"])
    assert result == InvalidInput("schools", "unknown schools: atlantis")
    assert await _jobs(session) == 0
    (entry,) = await list_admin_actions(session)
    assert (entry.outcome, entry.payload) == (
        AdminOutcome.REJECTED,
        {
            "error": {"field": "schools", "message": "unknown schools: atlantis"},
            "arguments": {"schools": ["phelma", "atlantis"]},
        },
    )


async def test_an_faq_import_takes_http_urls_only(session: AsyncSession) -> None:
    refused = await request_faq_import(session, actor=ACTOR, url="ftp://ensias.example/faq.md")
    assert refused == InvalidInput(
        "url", "'ftp://ensias.example/faq.md' is not an http or https URL"
    )
    assert await _jobs(session) == 0
    queued = await request_faq_import(
        session,
        actor=ACTOR,
        url="https://ensias.example/faq/mobilite_dd/",
        reason="new year",
        resolver=NOWHERE,
    )
    assert isinstance(queued, JobQueued)
    assert (queued.request.kind, queued.request.url, queued.request.schools) == (
        JobKind.IMPORT_FAQ,
        "https://ensias.example/faq/mobilite_dd/",
        [],
    )
    configured = await request_faq_import(session, actor=ACTOR)
    assert isinstance(configured, JobQueued)
    assert configured.request.url is None
    assert [entry.target for entry in await list_admin_actions(session)] == [
        "the configured source",
        "https://ensias.example/faq/mobilite_dd/",
        "ftp://ensias.example/faq.md",
    ]
    too_long = await request_faq_import(session, actor=ACTOR, reason="r" * 501)
    assert too_long == InvalidInput("reason", "the reason is longer than 500 characters")


async def test_an_faq_url_whose_name_resolves_to_a_private_address_is_refused(
    session: AsyncSession,
) -> None:
    resolver = MappingResolver(
        {
            "intranet.example": ["10.0.0.5"],
            "metadata.example": ["169.254.169.254"],
            "mixed.example": ["93.184.215.14", "127.0.0.1"],
            "mapped.example": ["::ffff:192.168.1.1"],
            "partner.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        }
    )
    outcomes = {
        url: await request_faq_import(session, actor=ACTOR, url=url, resolver=resolver)
        for url in (
            "https://intranet.example/faq.md",
            "http://metadata.example/latest/",
            "https://mixed.example:8443/faq.md",
            "https://mapped.example/faq.md",
            "https://partner.example/faq.md",
            "https://unknown.example/faq.md",
        )
    }
    assert outcomes["https://intranet.example/faq.md"] == InvalidInput(
        "url",
        "intranet.example resolves to 10.0.0.5, not a public address (private): "
        "give a public address",
    )
    assert outcomes["http://metadata.example/latest/"] == InvalidInput(
        "url",
        "metadata.example resolves to 169.254.169.254, not a public address (link-local, where "
        "cloud metadata services live): give a public address",
    )
    # One private answer among public ones is enough (the fetcher refuses the name the same way).
    mixed = outcomes["https://mixed.example:8443/faq.md"]
    assert isinstance(mixed, InvalidInput)
    assert mixed.message.startswith("mixed.example resolves to 127.0.0.1, not a public address")
    mapped = outcomes["https://mapped.example/faq.md"]
    assert isinstance(mapped, InvalidInput)
    assert mapped.message.startswith("mapped.example resolves to 192.168.1.1,")
    # Public answers, and names that do not resolve now, are queued: the fetch judges them again.
    queued = [url for url, outcome in outcomes.items() if isinstance(outcome, JobQueued)]
    assert queued == ["https://partner.example/faq.md", "https://unknown.example/faq.md"]
    assert await _jobs(session) == 2
    rejected = [
        entry.target
        for entry in await list_admin_actions(session)
        if entry.outcome is AdminOutcome.REJECTED
    ]
    assert len(rejected) == 4


async def test_an_ip_literal_is_judged_without_asking_the_resolver(session: AsyncSession) -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return []

    refused = await request_faq_import(
        session, actor=ACTOR, url="http://127.0.0.1:8000/faq.md", resolver=resolver
    )
    public = await request_faq_import(
        session, actor=ACTOR, url="https://93.184.215.14/faq.md", resolver=resolver
    )
    assert isinstance(refused, InvalidInput)
    assert isinstance(public, JobQueued)
    assert asked == []
