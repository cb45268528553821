"""The one check for URLs people give us (settings, admin input): absolute http or https only.

``file:``, ``javascript:``, ``ftp:`` and friends are refused, and so are URLs with credentials in
them (they would end up in logs and in the admin record) or with whitespace or control characters.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
_SCHEMES = frozenset({"http", "https"})


def parse_http_url(raw: str) -> str:
    """Return ``raw`` without surrounding spaces if it is an absolute http(s) URL.

    Raises :class:`ValueError` with a readable reason otherwise.
    """
    url = raw.strip()
    if not url:
        raise ValueError("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise ValueError("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number in range
    except ValueError:
        raise ValueError(f"{url!r} is not a valid URL") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise ValueError(f"{url!r} is not an http or https URL")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the URL must not carry a user name or password")
    if port == 0:
        raise ValueError(f"{url!r} has port 0")
    return url
