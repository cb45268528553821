"""Hugo front matter: the revision's title, date and contributor.

YAML (``---``) is the page's format; TOML (``+++``) is accepted too since Hugo allows it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import yaml

from scrapers.faq.errors import SourceError
from scrapers.faq.read.page import RevisionMeta

_DELIMITERS = {"---": "yaml", "+++": "toml"}


@dataclass(frozen=True, slots=True)
class SplitPage:
    """The front matter (None when there is none) and where the markdown body starts."""

    front_matter: dict[str, Any] | None
    text: str
    #: Offset of the body in ``text``, and the body's first line number.
    body_start: int
    body_line: int

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


#: Line ends as ``str.splitlines`` sees them.
_LINE = re.compile(
    r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|\Z)"
)


def split_front_matter(text: str) -> SplitPage:
    """Separate the front matter block from the markdown body (the page is not copied: only its
    lines up to the closing delimiter are read)."""
    lines = _LINE.finditer(text)
    first = next(lines)
    opening = first.group().strip()
    if opening not in _DELIMITERS:
        return SplitPage(front_matter=None, text=text, body_start=0, body_line=1)
    for index, line in enumerate(lines, start=1):
        if line.start() == len(text):
            break
        if line.group().strip() == opening:
            raw = text[first.end() : line.start()]
            return SplitPage(
                _load(raw, _DELIMITERS[opening]), text, body_start=line.end(), body_line=index + 2
            )
    raise SourceError(f"the front matter opened with {opening!r} on line 1 is never closed")


def _load(raw: str, syntax: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(raw) if syntax == "toml" else yaml.safe_load(raw)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(f"the front matter is not valid {syntax.upper()}: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(f"the front matter is not a {syntax.upper()} mapping")
    return data


def parse_timestamp(value: object) -> datetime | None:
    """A front-matter date as an aware datetime (naive values are taken as UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def read_meta(front_matter: dict[str, Any]) -> RevisionMeta:
    """Title, date and contributor (``author`` is accepted for the contributor)."""
    contributor = front_matter.get("contributor", front_matter.get("author"))
    if isinstance(contributor, list):
        contributor = ", ".join(str(name) for name in contributor)
    return RevisionMeta(
        title=_text(front_matter.get("title")),
        published_at=parse_timestamp(front_matter.get("date")),
        contributor=_text(contributor),
    )
