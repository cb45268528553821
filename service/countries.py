"""Country names from CLDR (through Babel), in French and English.

No hand-kept table: the names a student reads and the names the FAQ importer matches against
both come from the Unicode CLDR data Babel ships.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from babel import Locale

Lang = Literal["fr", "en"]


@cache
def _territories(lang: Lang) -> dict[str, str]:
    names = Locale.parse(lang).territories
    # CLDR territories also hold regions ("150" = Europe) and variants ("GB-alt-short"):
    # keep the ISO 3166-1 alpha-2 codes only.
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha()}


def country_name(code: str, lang: Lang = "fr") -> str:
    """The CLDR name of an ISO 3166-1 alpha-2 code; raises ``KeyError`` for unknown codes."""
    return _territories(lang)[code.upper()]


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code known to CLDR."""
    return code.upper() in _territories("en")


def country_names(lang: Lang) -> dict[str, str]:
    """Every alpha-2 code with its CLDR name in ``lang`` (a fresh copy)."""
    return dict(_territories(lang))
