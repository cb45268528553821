"""The admin bearer token: four distinct outcomes, compared in constant time.

``ADMIN_TOKEN`` unset means admin mutations are disabled (and the API says so, rather than
pretending the token is wrong). Both tokens are hashed before the comparison, so that
:func:`hmac.compare_digest` compares two equal-length digests and not even the length of the
configured token leaks through timing.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass

from pydantic import SecretStr


class AdminAuthOutcome(enum.StrEnum):
    DISABLED = "disabled"
    MISSING = "missing"
    WRONG = "wrong"
    OK = "ok"


#: What a refused caller is told (the GraphQL layer puts it in its typed error).
REFUSAL_MESSAGES: dict[AdminAuthOutcome, str] = {
    AdminAuthOutcome.DISABLED: "admin mutations are disabled: no ADMIN_TOKEN is configured",
    AdminAuthOutcome.MISSING: "this needs the admin token: send 'Authorization: Bearer <token>'",
    AdminAuthOutcome.WRONG: "the admin token is not valid",
}


@dataclass(frozen=True, slots=True)
class AdminAuth:
    """The outcome, and who the caller is when it is ``OK`` (a fingerprint, never the token)."""

    outcome: AdminAuthOutcome
    actor: str | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is AdminAuthOutcome.OK

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES.get(self.outcome, "")


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def token_fingerprint(token: str) -> str:
    """A short, stable name for a token, safe to store and show: ``token:<12 hex>``."""
    return "token:" + _digest(token).hex()[:12]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, if it is one."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def check_admin_token(configured: SecretStr | None, authorization: str | None) -> AdminAuth:
    """Decide whether the ``Authorization`` header value grants admin rights."""
    if configured is None:
        return AdminAuth(AdminAuthOutcome.DISABLED)
    presented = bearer_token(authorization)
    if presented is None:
        return AdminAuth(AdminAuthOutcome.MISSING)
    expected = configured.get_secret_value()
    if not hmac.compare_digest(_digest(presented), _digest(expected)):
        return AdminAuth(AdminAuthOutcome.WRONG)
    return AdminAuth(AdminAuthOutcome.OK, actor=token_fingerprint(expected))
