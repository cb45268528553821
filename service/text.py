"""Text normalization shared by the importer, search and the extractors.

``fold`` is the one definition of "the same text, ignoring accents, case and spacing" used
everywhere, so that a search for "telecom" finds "Télécom" and the importer sees "Finlande" and
"FINLANDE " as one heading.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def collapse_spaces(text: str) -> str:
    """Runs of white space (including non-breaking spaces and newlines) become one space."""
    return _SPACES.sub(" ", text).strip()


def strip_accents(text: str) -> str:
    """Remove combining marks: "Télécom Saint-Étienne" → "Telecom Saint-Etienne"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Accent-, case- and space-insensitive form of ``text`` (for matching, never for display)."""
    return collapse_spaces(strip_accents(text).casefold())


def slugify(text: str) -> str:
    """A URL-safe identifier: "ENSIM : Ecole … du Mans" → "ensim-ecole-du-mans"."""
    return _NOT_SLUG.sub("-", fold(text).replace("'", "")).strip("-")
