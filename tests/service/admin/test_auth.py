"""The admin token: disabled, missing, wrong and right are four different answers."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from service.admin.auth import (
    AdminAuthOutcome,
    bearer_token,
    check_admin_token,
    token_fingerprint,
)

TOKEN = SecretStr("s3cret-admin-token-0123")


def test_no_configured_token_disables_admin_whatever_is_sent() -> None:
    for header in (None, "Bearer s3cret-admin-token-0123", "Bearer "):
        auth = check_admin_token(None, header)
        assert auth.outcome is AdminAuthOutcome.DISABLED
        assert not auth.allowed
        assert auth.actor is None
    assert check_admin_token(None, None).message == (
        "admin mutations are disabled: no ADMIN_TOKEN is configured"
    )


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer    ", "Basic czNjcmV0", "s3cret-admin-token-0123"]
)
def test_no_bearer_credentials_is_missing(header: str | None) -> None:
    assert check_admin_token(TOKEN, header).outcome is AdminAuthOutcome.MISSING


@pytest.mark.parametrize(
    "header",
    [
        "Bearer s3cret-admin-token-012",
        "Bearer s3cret-admin-token-01234",
        "Bearer S3CRET-ADMIN-TOKEN-0123",
        "Bearer s3cret-admin-token-0123\u00e9",
        "Bearer \udcff",
    ],
)
def test_any_other_token_is_wrong(header: str) -> None:
    auth = check_admin_token(TOKEN, header)
    assert auth.outcome is AdminAuthOutcome.WRONG
    assert (auth.allowed, auth.actor) == (False, None)


@pytest.mark.parametrize(
    "header", ["Bearer s3cret-admin-token-0123", "bearer   s3cret-admin-token-0123  "]
)
def test_the_right_token_is_ok_and_names_the_actor_by_fingerprint(header: str) -> None:
    auth = check_admin_token(TOKEN, header)
    assert auth.allowed
    assert auth.message == ""
    assert auth.actor == token_fingerprint("s3cret-admin-token-0123")
    assert auth.actor is not None
    assert auth.actor.startswith("token:")
    assert len(auth.actor) == len("token:") + 12
    assert "s3cret" not in auth.actor


def test_fingerprints_differ_between_tokens_and_are_stable() -> None:
    assert token_fingerprint("a" * 16) == token_fingerprint("a" * 16)
    assert token_fingerprint("a" * 16) != token_fingerprint("b" * 16)


def test_bearer_token_reads_only_the_bearer_scheme() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("BEARER abc") == "abc"
    assert bearer_token("Token abc") is None
