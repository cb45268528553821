"""The /status admin forms: log in and out, queue a sync or an FAQ import, resolve a finding,
accept a scraped value, set or clear an override of a school's field.

Every post is refused unless the browser says it comes from this site (``is_same_origin``); the
actions also need a valid session cookie and its CSRF token. They run the same admin actions as
the GraphQL mutations (``service.admin.job_requests``, ``findings``, ``acceptance``,
``overrides``), behind the same edge (``service.admin.audit.admin_action``: a rejected input is
logged and comes back as ``InvalidInput``, answered here with a 400), in one write session this
endpoint commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from service.admin import (
    InvalidInput,
    accept_scraped_value,
    check_admin_token,
    clear_override,
    override_school_field,
    request_faq_import,
    request_sync,
    resolve_finding,
    with_receivers,
)
from service.config import Settings
from service.name_resolution import Resolver, resolve_with_system
from service.web.runtime import runtime_of
from service.web.status.admin_session import (
    csrf_matches,
    end_session,
    is_same_origin,
    read_session,
    start_session,
)

#: A form here holds a token, a CSRF token and a short reason: anything larger is not ours.
MAX_FORM_BYTES = 8 * 1024

_Action = Callable[..., Awaitable[Any]]


async def _form(request: Request) -> dict[str, str] | None:
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _refused(reason: str, status: int = 403) -> Response:
    return PlainTextResponse(reason, status_code=status)


def _back(notice: str) -> Response:
    # 303: the browser follows with a GET, so reloading the page does not post again.
    return RedirectResponse(f"/status?notice={notice}#admin", status_code=303)


def build_admin_routes(
    settings: Settings, *, resolver: Resolver = resolve_with_system
) -> list[Route]:
    """The routes of the admin forms of ``settings``' application (``resolver``: see
    ``service.admin.job_requests.request_faq_import``)."""
    token = settings.admin.token

    async def login(request: Request) -> Response:
        if token is None:
            return _refused("admin actions are disabled: no ADMIN_TOKEN is configured")
        if not is_same_origin(request):
            return _refused("cross-site form posts are refused")
        form = await _form(request)
        presented = None if form is None else form.get("token", "")
        if not check_admin_token(token, f"Bearer {presented}").allowed:
            return _refused("the admin token is not valid")
        response = _back("logged-in")
        start_session(response, token, secure=request.url.scheme == "https")
        return response

    async def logout(request: Request) -> Response:
        if not is_same_origin(request):
            return _refused("cross-site form posts are refused")
        response = _back("logged-out")
        end_session(response)
        return response

    def action(
        run: _Action, arguments: Callable[[dict[str, str]], dict[str, Any]], notice: str
    ) -> Any:
        async def endpoint(request: Request) -> Response:
            if not is_same_origin(request):
                return _refused("cross-site form posts are refused")
            session = read_session(request, token)
            if session is None:
                return _refused("log in first: this needs the admin token")
            form = await _form(request)
            if form is None or not csrf_matches(session, form.get("csrf")):
                return _refused("the form's CSRF token is missing or wrong")
            async with await runtime_of(request).write_session() as db:
                given = with_receivers(run, arguments(form), settings.webhook.urls)
                result = await run(db, actor=session.actor, **given)
                await db.commit()
            if isinstance(result, InvalidInput):
                return _refused(f"{result.field}: {result.message}", 400)
            return _back(notice)

        return endpoint

    def sync_arguments(form: dict[str, str]) -> dict[str, Any]:
        schools = [s for s in form.get("schools", "").replace(",", " ").split() if s]
        return {"schools": schools, "reason": form.get("reason") or None}

    def import_arguments(form: dict[str, str]) -> dict[str, Any]:
        return {
            "url": form.get("url") or None,
            "reason": form.get("reason") or None,
            "resolver": resolver,
        }

    def resolve_arguments(form: dict[str, str]) -> dict[str, Any]:
        number = form.get("finding", "")
        # Not a number: no finding has it, and the admin function says so in the log.
        finding_id = int(number) if number.isdigit() and len(number) < 12 else 0
        return {"finding_id": finding_id, "reason": form.get("reason") or None}

    def accept_arguments(form: dict[str, str]) -> dict[str, Any]:
        return {
            "slug": form.get("school", ""),
            "field": form.get("field", ""),
            "key": form.get("key", ""),
            "reason": form.get("reason") or "checked on the partner's page",
        }

    def override_arguments(form: dict[str, str]) -> dict[str, Any]:
        return {**clear_arguments(form), "value": form.get("value", "")}

    def clear_arguments(form: dict[str, str]) -> dict[str, Any]:
        # The reason is required, as in the mutations: an empty one is the admin function's
        # to refuse (and log), not this form's.
        return {
            "slug": form.get("school", "").strip(),
            "field": form.get("field", ""),
            "reason": form.get("reason", ""),
        }

    return [
        Route("/status/login", login, methods=["POST"]),
        Route("/status/logout", logout, methods=["POST"]),
        Route(
            "/status/request-sync",
            action(request_sync, sync_arguments, "queued"),
            methods=["POST"],
        ),
        Route(
            "/status/import-faq",
            action(request_faq_import, import_arguments, "queued"),
            methods=["POST"],
        ),
        Route(
            "/status/resolve-finding",
            action(resolve_finding, resolve_arguments, "resolved"),
            methods=["POST"],
        ),
        Route(
            "/status/accept-value",
            action(accept_scraped_value, accept_arguments, "accepted"),
            methods=["POST"],
        ),
        Route(
            "/status/override-field",
            action(override_school_field, override_arguments, "overridden"),
            methods=["POST"],
        ),
        Route(
            "/status/clear-override",
            action(clear_override, clear_arguments, "cleared"),
            methods=["POST"],
        ),
    ]
