"""The /status admin session: a signed cookie made from ``ADMIN_TOKEN``, and its CSRF token.

Logging in with the admin token sets ``status_session`` = ``<issued at>.<nonce>.<signature>``,
signed with HMAC-SHA256 under a key derived from the token, so changing ``ADMIN_TOKEN`` ends every
session and the server keeps no session table. The cookie is HTTP-only and ``SameSite=Strict``.
Each session's CSRF token is an HMAC of its nonce: forms carry it, and it is compared in constant
time. Cross-site posts are refused before any of that (``is_same_origin``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from service.admin import token_fingerprint

COOKIE = "status_session"
#: A session lasts a working day.
MAX_AGE_SECONDS = 8 * 3600


def _key(token: SecretStr) -> bytes:
    return hashlib.sha256(b"status-session\0" + token.get_secret_value().encode()).digest()


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class AdminSession:
    """A valid session: who (the token's fingerprint, as in the admin log) and its CSRF token."""

    actor: str
    csrf_token: str


def start_session(response: Response, token: SecretStr, *, secure: bool) -> None:
    """Set a new session cookie on ``response``."""
    nonce = secrets.token_hex(16)
    payload = f"{int(time.time())}.{nonce}"
    response.set_cookie(
        COOKIE,
        f"{payload}.{_sign(_key(token), payload)}",
        max_age=MAX_AGE_SECONDS,
        path="/status",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/status", httponly=True, samesite="strict")


def read_session(request: Request, token: SecretStr | None) -> AdminSession | None:
    """The request's session when its cookie is signed under ``token`` and not expired."""
    cookie = request.cookies.get(COOKIE)
    if token is None or cookie is None or cookie.count(".") != 2:
        return None
    issued, nonce, signature = cookie.split(".")
    key = _key(token)
    if not hmac.compare_digest(_sign(key, f"{issued}.{nonce}"), signature):
        return None
    if not issued.isdigit() or time.time() - int(issued) > MAX_AGE_SECONDS:
        return None
    return AdminSession(
        actor=token_fingerprint(token.get_secret_value()), csrf_token=_sign(key, f"csrf.{nonce}")
    )


def csrf_matches(session: AdminSession, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(session.csrf_token, presented)


def is_same_origin(request: Request) -> bool:
    """False for a post a browser says comes from another site (Sec-Fetch-Site, then Origin)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return site is not None  # no browser signal at all: refuse rather than guess
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own
