"""What the relation loaders take and give: a parent's key, a child's row, what they carry.

Apart from ``relation_loaders`` so that the GraphQL types can use them without importing the
relation table's package (the compiler imports the types).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping

#: What a parent carries down: (name, value) pairs (a programme seen from a school: its id).
Carried = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Parent:
    """A parent object as a loader sees it: its key and what it carries down."""

    key: Hashable
    carried: Carried = ()


@dataclass(frozen=True, slots=True)
class Child:
    """One related row, by column name, and what it carries down to its own relations."""

    row: RowMapping
    carried: Carried = ()
