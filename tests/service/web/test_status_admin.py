"""/status admin forms: a signed HTTP-only SameSite=Strict session from the admin token, CSRF
tokens, cross-site posts refused, and actions written through the admin functions and log."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup
from pydantic import SecretStr
from sqlalchemy import select

from service.admin.auth import token_fingerprint
from service.db.engine import create_sessionmaker
from service.db.models import AdminAction, JobKind, JobRequest
from service.web.status.admin_session import COOKIE
from tests.databases import TestDatabase
from tests.service.web.admin_api import TOKEN, add_low_confidence_deadline, post
from tests.service.web.conftest import ClientFactory, serve

SAME_SITE = {"Origin": "http://api.test", "Sec-Fetch-Site": "same-origin"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def _log_in(client: httpx.AsyncClient) -> str:
    """Log in through the form; the CSRF token the page then carries."""
    response = await client.post(
        "/status/login", content=f"token={TOKEN}", headers={**SAME_SITE, **FORM}
    )
    assert response.status_code == 303
    page = BeautifulSoup((await client.get("/status")).text, "html.parser")
    csrf = page.select_one("form[action='/status/request-sync'] input[name=csrf]")
    assert csrf is not None
    return str(csrf["value"])


async def test_logging_in_sets_a_signed_http_only_strict_cookie(client_for: ClientFactory) -> None:
    async with client_for(admin_token=SecretStr(TOKEN)) as client:
        anonymous = BeautifulSoup((await client.get("/status")).text, "html.parser")
        wrong = await client.post(
            "/status/login", content="token=not-the-token", headers={**SAME_SITE, **FORM}
        )
        right = await client.post(
            "/status/login", content=f"token={TOKEN}", headers={**SAME_SITE, **FORM}
        )
    assert [form["action"] for form in anonymous.select("#admin form")] == ["/status/login"]
    assert wrong.status_code == 403
    assert "set-cookie" not in wrong.headers
    assert right.status_code == 303
    assert right.headers["location"] == "/status?notice=logged-in#admin"
    cookie = right.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/status", "max-age=28800"} <= attributes


async def test_an_admin_queues_a_sync_through_the_admin_log(
    fresh_database: TestDatabase,
) -> None:
    settings = fresh_database.settings.model_copy(update={"admin_token": SecretStr(TOKEN)})
    async with serve(settings) as client:
        csrf = await _log_in(client)
        queued = await client.post(
            "/status/request-sync",
            content=f"csrf={csrf}&schools=phelma&reason=new+pages",
            headers={**SAME_SITE, **FORM},
        )
        after = BeautifulSoup((await client.get(queued.headers["location"])).text, "html.parser")
    assert queued.status_code == 303
    assert after.select_one(".notice") is not None
    async with create_sessionmaker(fresh_database.engine)() as session:
        jobs = [
            (j.kind, j.schools, j.requested_by) for j in await session.scalars(select(JobRequest))
        ]
        log = [
            (a.actor, a.action, a.target, a.reason)
            for a in await session.scalars(select(AdminAction))
        ]
    actor = token_fingerprint(TOKEN)
    assert jobs == [(JobKind.SYNC, ["phelma"], actor)]
    assert log == [(actor, "request_sync", "phelma", "new pages")]


async def test_actions_without_a_session_csrf_token_or_from_another_site_are_refused(
    fresh_database: TestDatabase,
) -> None:
    settings = fresh_database.settings.model_copy(update={"admin_token": SecretStr(TOKEN)})
    async with serve(settings) as client:
        csrf = await _log_in(client)
        good = f"csrf={csrf}&schools="
        # One hex digit changed (a token ending in "0" must not be "changed" into itself).
        wrong = csrf[:-1] + ("1" if csrf.endswith("0") else "0")
        refused = [
            # A logged-in browser led to post from another site: the cookie alone is not enough.
            await client.post(
                "/status/request-sync",
                content=good,
                headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", **FORM},
            ),
            await client.post(
                "/status/request-sync",
                content=good,
                headers={"Origin": "https://evil.example", **FORM},
            ),
            await client.post(
                "/status/import-faq", content="csrf=&url=", headers={**SAME_SITE, **FORM}
            ),
            await client.post(
                "/status/import-faq",
                content=f"csrf={wrong}&url=",
                headers={**SAME_SITE, **FORM},
            ),
        ]
        client.cookies.clear()
        anonymous = await client.post(
            "/status/request-sync", content=good, headers={**SAME_SITE, **FORM}
        )
        cross_site_login = await client.post(
            "/status/login",
            content=f"token={TOKEN}",
            headers={"Sec-Fetch-Site": "cross-site", **FORM},
        )
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert [r.text for r in refused[:3]] == [
        "cross-site form posts are refused",
        "cross-site form posts are refused",
        "the form's CSRF token is missing or wrong",
    ]
    assert anonymous.status_code == 403
    assert anonymous.text == "log in first: this needs the admin token"
    assert cross_site_login.status_code == 403
    assert "set-cookie" not in cross_site_login.headers
    async with create_sessionmaker(fresh_database.engine)() as session:
        assert list(await session.scalars(select(JobRequest))) == []
        assert list(await session.scalars(select(AdminAction))) == []


async def test_without_an_admin_token_the_page_has_no_admin_forms(
    client: httpx.AsyncClient,
) -> None:
    page = BeautifulSoup((await client.get("/status")).text, "html.parser")
    login = await client.post(
        "/status/login", content="token=anything", headers={**SAME_SITE, **FORM}
    )
    assert page.select("#admin") == []
    assert login.status_code == 403


async def test_an_admin_resolves_a_finding_from_the_page(fresh_database: TestDatabase) -> None:
    settings = fresh_database.settings.model_copy(update={"admin_token": SecretStr(TOKEN)})
    async with serve(settings) as client:
        csrf = await _log_in(client)
        before = BeautifulSoup((await client.get("/status")).text, "html.parser")
        finding = before.select_one("#findings form.resolve input[name=finding]")
        assert finding is not None
        resolved = await client.post(
            "/status/resolve-finding",
            content=f"csrf={csrf}&finding={finding['value']}&reason=heading+fixed",
            headers={**SAME_SITE, **FORM},
        )
        unknown = await client.post(
            "/status/resolve-finding",
            content=f"csrf={csrf}&finding=999999",
            headers={**SAME_SITE, **FORM},
        )
        after = BeautifulSoup((await client.get("/status?notice=resolved")).text, "html.parser")
    assert "Finalde" in before.select_one("#findings").get_text()  # type: ignore[union-attr]
    assert resolved.status_code == 303
    assert (unknown.status_code, unknown.text) == (400, "finding: there is no finding 999999")
    findings = after.select_one("#findings")
    assert findings is not None
    assert "Finalde" not in findings.get_text()
    notice = after.select_one(".notice")
    assert notice is not None
    assert notice.get_text() == "Finding resolved."
    async with create_sessionmaker(fresh_database.engine)() as session:
        log = [
            (a.action, a.target, a.reason, a.outcome.value)
            for a in await session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]
    assert log == [
        (
            "resolve_finding",
            f"finding {finding['value']} (country_name_corrected)",
            "heading fixed",
            "applied",
        ),
        ("resolve_finding", "finding 999999", None, "rejected"),
    ]


async def test_an_admin_accepts_a_low_confidence_value_which_is_then_served_as_an_override(
    fresh_database: TestDatabase,
) -> None:
    await add_low_confidence_deadline(fresh_database)
    settings = fresh_database.settings.model_copy(update={"admin_token": SecretStr(TOKEN)})
    async with serve(settings) as client:
        csrf = await _log_in(client)
        before = BeautifulSoup((await client.get("/status")).text, "html.parser")
        accepted = await client.post(
            "/status/accept-value",
            content=f"csrf={csrf}&school=aalto-university&field=deadline"
            "&key=application%2Fautumn&reason=confirmed+by+e-mail",
            headers={**SAME_SITE, **FORM},
        )
        missing = await client.post(
            "/status/accept-value",
            content=f"csrf={csrf}&school=aalto-university&field=deadline&key=nomination%2Fany",
            headers={**SAME_SITE, **FORM},
        )
        after = BeautifulSoup((await client.get("/status")).text, "html.parser")
        served = await post(
            client,
            '{ school(slug: "aalto-university") { info { deadlines { date source } } } }',
        )
    assert len(before.select("ul.review form[action='/status/accept-value']")) == 1
    assert accepted.status_code == 303
    assert (missing.status_code, missing.text) == (
        400,
        "field: no scraped deadline 'nomination/any' for aalto-university",
    )
    assert [" ".join(li.get_text().split()) for li in after.select("ul.review li")] == [
        "nothing waits for review"
    ]
    assert served == {
        "school": {"info": {"deadlines": [{"date": "2027-04-15", "source": "OVERRIDE"}]}}
    }


async def test_an_admin_sets_and_clears_an_override_from_the_page_with_the_mutations_checks(
    fresh_database: TestDatabase,
) -> None:
    # Version read on every request: the same query is asked before and after a write.
    settings = fresh_database.settings.model_copy(
        update={"admin_token": SecretStr(TOKEN), "data_version_max_age_seconds": 0}
    )
    city = '{ school(slug: "phelma") { city } }'
    async with serve(settings) as client:
        csrf = await _log_in(client)
        page = BeautifulSoup((await client.get("/status")).text, "html.parser")
        posts = {
            name: await client.post(
                path, content=f"csrf={csrf}&{body}", headers={**SAME_SITE, **FORM}
            )
            for name, path, body in [
                (
                    "bad field",
                    "/status/override-field",
                    "school=phelma&field=ranking&value=1&reason=r",
                ),
                (
                    "no reason",
                    "/status/override-field",
                    "school=phelma&field=city&value=Gières&reason=",
                ),
                (
                    "set",
                    "/status/override-field",
                    "school=phelma&field=city&value=Gi%C3%A8res+&reason=the+campus",
                ),
            ]
        }
        served = await post(client, city)
        notice = BeautifulSoup(
            (await client.get(posts["set"].headers["location"])).text, "html.parser"
        )
        cleared = await client.post(
            "/status/clear-override",
            content=f"csrf={csrf}&school=phelma&field=city&value=&reason=moved+back",
            headers={**SAME_SITE, **FORM},
        )
        clear_again = await client.post(
            "/status/clear-override",
            content=f"csrf={csrf}&school=phelma&field=city&reason=again",
            headers={**SAME_SITE, **FORM},
        )
        after = await post(client, city)
        client.cookies.clear()
        anonymous = await client.post(
            "/status/override-field",
            content=f"csrf={csrf}&school=phelma&field=city&value=X&reason=r",
            headers={**SAME_SITE, **FORM},
        )
    form = page.select_one("form[action='/status/override-field']")
    assert form is not None
    assert [option.get_text() for option in form.select("select[name=field] option")] == [
        "name",
        "shortName",
        "city",
        "website",
        "countryCode",
        "description",
        "logo",
    ]
    assert form.select_one("button[formaction='/status/clear-override']") is not None
    assert (posts["bad field"].status_code, posts["bad field"].text) == (
        400,
        (
            "field: 'ranking' cannot be overridden; fields: city, countryCode, description, logo, "
            "name, shortName, website"
        ),
    )
    assert (posts["no reason"].status_code, posts["no reason"].text) == (
        400,
        "reason: give a reason: it is kept in the admin log",
    )
    assert posts["set"].status_code == 303
    assert served == {"school": {"city": "Gières"}}
    assert notice.select_one(".notice").get_text() == "Override set: the value is served now."  # type: ignore[union-attr]
    assert cleared.status_code == 303
    assert cleared.headers["location"] == "/status?notice=cleared#admin"
    assert clear_again.status_code == 400
    assert after == {"school": {"city": "Grenoble"}}
    assert anonymous.status_code == 403
    async with create_sessionmaker(fresh_database.engine)() as session:
        log = [
            (a.action, a.reason, a.outcome.value)
            for a in await session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]
    assert log == [
        ("override_school_field", "r", "rejected"),
        ("override_school_field", None, "rejected"),
        ("override_school_field", "the campus", "applied"),
        ("clear_override", "moved back", "applied"),
        ("clear_override", "again", "rejected"),
    ]
