"""Global object ids: ``<TypeName>:<key>``, one per cacheable object, parsed back for ``node``.

The format is shared with the compiled read path, which builds the same ids by string
concatenation in SQL, so it stays plain text (no base64). Clients must treat it as opaque.
Keys never contain ``:`` (slugs, programme keys, ISO and track codes, integers), so the type
name and the key parts split without escaping.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = ":"


def format_global_id(type_name: str, *parts: str | int) -> str:
    """The id of the ``type_name`` object whose key is ``parts``: ``School:ensimag``."""
    return SEPARATOR.join((type_name, *(str(part) for part in parts)))


@dataclass(frozen=True, slots=True)
class GlobalId:
    """A parsed id: the GraphQL type name and the key parts after it."""

    type_name: str
    parts: tuple[str, ...]


def parse_global_id(text: str) -> GlobalId | None:
    """The parts of ``text``; None when it cannot be an id this API gave (no key, empty part)."""
    type_name, separator, rest = text.partition(SEPARATOR)
    if not separator or not type_name:
        return None
    parts = tuple(rest.split(SEPARATOR))
    if any(part == "" for part in parts):
        return None
    return GlobalId(type_name, parts)


def parse_int_key(parts: tuple[str, ...]) -> int | None:
    """The single integer key of ``parts`` (``Offer:12``); None for anything else."""
    if len(parts) != 1 or not parts[0].isascii() or not parts[0].isdigit():
        return None
    return int(parts[0])
