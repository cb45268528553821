"""Text normalization shared by the importer, search and the extractors.

``fold`` is the one definition of "the same text, ignoring accents, case and spacing" used
everywhere, so that a search for "telecom" finds "Télécom" and the importer sees "Finlande" and
"FINLANDE " as one heading.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
#: C0 controls but tab, line feed, form feed and carriage return; DEL and the C1 controls; U+FFFD.
#: (A regex: str.translate with a table is ten times slower on a 20 kB page.)
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def sanitize_text(text: str) -> tuple[str, int]:
    """``text`` without the characters we never store (PostgreSQL refuses NUL; a U+FFFD or a
    control character in a name makes a new identity), and how many were removed."""
    return _UNSTORABLE.subn("", text)


def collapse_spaces(text: str) -> str:
    """Runs of white space (including non-breaking spaces and newlines) become one space."""
    return _SPACES.sub(" ", text).strip()


def _drop_combining(match: re.Match[str]) -> str:
    char = match.group()
    return "" if unicodedata.combining(char) else char


def strip_accents(text: str) -> str:
    """Remove combining marks: "Télécom Saint-Étienne" → "Telecom Saint-Etienne"."""
    if text.isascii():  # NFKD leaves ASCII as it is, and no combining mark is ASCII
        return text
    # Only the non-ASCII characters are looked at (a per-character loop was a third of the
    # FAQ import's interpretation, docs/benchmarks.md).
    return _NOT_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    """Accent-, case- and space-insensitive form of ``text`` (for matching, never for display)."""
    return collapse_spaces(strip_accents(text).casefold())


def slugify(text: str) -> str:
    """A URL-safe identifier: "ENSIM : Ecole … du Mans" → "ensim-ecole-du-mans"."""
    return _NOT_SLUG.sub("-", fold(text).replace("'", "")).strip("-")
