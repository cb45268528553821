"""The webhook signature: HMAC-SHA256 over the timestamp and the body.

Header sent with every attempt::

    X-Mobility-Signature: t=1767225600,v1=<64 hex digits>

``v1`` is the hex HMAC-SHA256, keyed with ``WEBHOOK_SECRET``, of the bytes
``f"{t}.".encode() + body``. Signing the timestamp with the body lets a receiver refuse a captured
request replayed later: it checks the signature, then that ``t`` is within a few minutes of its
own clock. A receiver may see several ``v1=`` entries (while a secret is being rotated) and
accepts the request when any of them matches. docs/operations/webhooks.md shows a receiver.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Mobility-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The request is not signed by us, or not recently."""


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body`` under ``secret``."""
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign_body(secret: str, body: bytes, *, timestamp: int) -> str:
    """The ``X-Mobility-Signature`` header value for ``body`` sent at ``timestamp`` (Unix)."""
    return f"t={timestamp},v1={compute_signature(secret, timestamp, body)}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("malformed signature header: expected t=<unix time>,v1=<hex>")
    return timestamp, signatures


def verify_signature(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: float,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Check ``header`` against ``body``; return its timestamp, or raise :class:`SignatureError`.

    ``now`` is the receiver's Unix time; timestamps further than ``tolerance_seconds`` from it,
    in the past (a replay) or the future, are refused.
    """
    timestamp, signatures = _parse(header)
    expected = compute_signature(secret, timestamp, body).encode("ascii")
    # Compared as bytes: compare_digest refuses non-ASCII str, and a header may hold anything.
    if not any(
        hmac.compare_digest(expected, candidate.encode("utf-8", "surrogateescape"))
        for candidate in signatures
    ):
        raise SignatureError("the signature does not match the body")
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureError(f"the timestamp is more than {tolerance_seconds} s from now")
    return timestamp
