"""Programme identity: one programme per name and set of schools that teach it.

A programme's key is its slugified name scoped by the sorted slugs of the schools that share it
("filiere-signal-image-communication-multimedia-sicom@ense3+phelma"), so the SICOM programme of
Phelma and Ense3 is one row whichever item names it first, while two schools' unrelated
"Master of Science" stay two. "commune avec" links the schools; an item that names the same
programme without repeating the clause joins the group through the other item's clause.
See docs/decisions/0010-programme-identity.md.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

KEY_MAX_LENGTH = 300

#: A programme as one school names it: (school slug, programme name slug).
Node = tuple[str, str]

T = TypeVar("T")


def programme_key(name_slug: str, school_slugs: Iterable[str]) -> str:
    """The natural key; over-long keys keep a readable prefix and a hash of the whole."""
    return _key(name_slug, tuple(sorted(set(school_slugs))))


def _key(name_slug: str, sorted_slugs: tuple[str, ...]) -> str:
    # Interned, so that the ids read back after the writes are keyed by these same strings.
    key = f"{name_slug}@{'+'.join(sorted_slugs)}"
    if len(key) <= KEY_MAX_LENGTH:
        return sys.intern(key)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return sys.intern(f"{key[: KEY_MAX_LENGTH - len(digest) - 1]}~{digest}")


class ProgrammeGroups:
    """Union-find over the programmes schools name; shared programmes end in one group."""

    def __init__(self) -> None:
        self._parent: dict[Node, Node] = {}

    def add(self, node: Node) -> None:
        self._parent.setdefault(node, node)

    def _root(self, node: Node) -> Node:
        root = node
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[node] != root:  # path compression
            self._parent[node], node = root, self._parent[node]
        return root

    def share(self, left: Node, right: Node) -> None:
        self.add(left)
        self.add(right)
        left_root, right_root = self._root(left), self._root(right)
        if left_root != right_root:
            self._parent[max(left_root, right_root)] = min(left_root, right_root)

    def keys(self) -> dict[Node, tuple[str, tuple[str, ...]]]:
        """Every node's programme key, with the sorted slugs of the schools in its group (one
        tuple per group, shared by its nodes). Consumes the groups, as :meth:`groups`."""
        return self.groups(lambda key, schools: (key, schools))

    def groups(self, make: Callable[[str, tuple[str, ...]], T]) -> dict[Node, T]:
        """Every node's ``make(programme key, sorted school slugs)``, made once per group and
        shared by its nodes: the caller's own record of the programme, so that no tuple per
        group is made beside it. Consumes the groups.

        The union-find's own dict becomes the answer, its values replaced in place (a dict
        whose size does not change is not copied): no dict of members and no second dict of
        nodes exist beside it, only a list of the schools of each group of more than one node
        (most programmes are one school's). Both were 0.7 times the page's size at the
        interpretation's peak (decision 0385)."""
        for node in self._parent:
            self._parent[node] = self._root(node)
        parent: dict[Node, Any] = self._parent
        self._parent = {}
        others: dict[Node, list[str]] = {}
        members: list[Node] = []
        for node, root in parent.items():
            if root != node:
                others.setdefault(root, []).append(node[0])
                members.append(node)
        for node, root in parent.items():
            if root == node:
                schools = tuple(sorted({node[0], *others.pop(node, ())}))
                parent[node] = make(_key(node[1], schools), schools)
        for node in members:
            parent[node] = parent[parent[node]]
        return parent
