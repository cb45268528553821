"""Signatures: HMAC-SHA256 over "<t>.<body>", refused when tampered with, stale or malformed."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from scrapers.webhooks.signature import SignatureError, sign_body, verify_signature

SECRET = "whsec-test-0123456789abcdef"
BODY = b'{"data":{},"event":"sync.finished","id":"e1","occurred_at":"2026-03-02T04:00:00Z"}'
T = 1_772_424_000


def test_the_header_is_the_timestamp_and_the_hmac_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1772424000." + BODY, hashlib.sha256).hexdigest()
    assert sign_body(SECRET, BODY, timestamp=T) == f"t=1772424000,v1={expected}"


def test_a_fresh_signature_verifies_and_returns_its_timestamp() -> None:
    header = sign_body(SECRET, BODY, timestamp=T)
    assert verify_signature(SECRET, BODY, header, now=T + 299) == T
    assert verify_signature(SECRET, BODY, header, now=T - 299) == T


@pytest.mark.parametrize(
    ("body", "secret", "now", "reason"),
    [
        (BODY.replace(b"e1", b"e2"), SECRET, T, "does not match"),
        (BODY, "another-secret-0123456789", T, "does not match"),
        (BODY, SECRET, T + 301, "more than 300 s from now"),
        (BODY, SECRET, T - 301, "more than 300 s from now"),
    ],
)
def test_tampered_foreign_or_replayed_requests_are_refused(
    body: bytes, secret: str, now: float, reason: str
) -> None:
    header = sign_body(SECRET, BODY, timestamp=T)
    with pytest.raises(SignatureError, match=reason):
        verify_signature(secret, body, header, now=now)


@pytest.mark.parametrize(
    "header",
    ["", "v1=abc", "t=now,v1=abc", f"t={T}", f"t={T},v1=", "garbage", f"t={T},v1=\u00e9\u00e9"],
)
def test_malformed_or_odd_headers_are_refused_without_crashing(header: str) -> None:
    with pytest.raises(SignatureError):
        verify_signature(SECRET, BODY, header, now=T)


def test_any_of_several_v1_entries_may_match_during_a_secret_rotation() -> None:
    old = sign_body("old-secret-0123456789", BODY, timestamp=T).split(",")[1]
    new = sign_body(SECRET, BODY, timestamp=T).split(",")[1]
    assert verify_signature(SECRET, BODY, f"t={T},{old},{new}", now=T) == T
