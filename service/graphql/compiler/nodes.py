"""``node(id:)`` and ``nodes(ids:)``: objects of any node type, by global id, in one statement.

The type of each answer depends on the id's value, so the plan holds one branch per node type
the selection can be compiled for (the selection collected for that type: its inline fragments
and fragments apply), and the statement picks the branch per id (``CASE`` over the parsed type).
The ids are parsed in Python (``service.graphql.global_id``, as the resolvers parse them) into
one JSON parameter, one element per id, in order: ``{"t": branch, "k": key, "s": school slug}``;
an id that is malformed, names an unknown type or has the wrong number of key parts has no
branch and answers null, as on the resolvers' path. An id of a node type the plan has no branch
for (``Change``, or a selection the relation table cannot compile for that type)
sends the operation to the resolvers, as does a ``nodes`` list longer than the page size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import orjson
from graphql.execution.collect_fields import FieldDetails

from service.graphql.compiler.plan import NotCompilableError, Planner
from service.graphql.compiler.relations import Bind, Row, source
from service.graphql.compiler.roots import Arguments, RootPlan, _json_root
from service.graphql.global_id import parse_global_id, parse_int_key

#: Node types read by one key part: the column it is, and whether it is an integer.
_SINGLE_KEYS: dict[str, tuple[str, bool]] = {
    "Country": ("code", False),
    "School": ("slug", False),
    "HomeTrack": ("code", False),
    "Offer": ("id", True),
    "Link": ("id", True),
    "Finding": ("id", True),
    "SelectionRule": ("id", True),
    "LinkCheck": ("id", True),
    "LinkHealth": ("id", True),
    "SyncRun": ("id", True),
}
#: The branch of a programme seen from a school (``Programme:<school slug>:<key>``).
_PROGRAMME_AT_SCHOOL = "Programme@school"
#: The largest key the database's INTEGER holds (PostgreSQL's is 32 bits).
_MAX_INTEGER = 2**31 - 1


@dataclass(frozen=True, slots=True)
class _Branch:
    """The SQL of one node type's answer, for the id element ``element``."""

    name: str
    sql: str


def _element(text: str, branches: frozenset[str]) -> dict[str, Any]:
    """The parameter element of one id; NotCompilableError for a type without a branch."""
    parsed = parse_global_id(text)
    if parsed is None:
        return {"t": None}
    type_name, parts = parsed.type_name, parsed.parts
    if type_name == "Programme":
        branch = _PROGRAMME_AT_SCHOOL if len(parts) == 2 else "Programme"
        if branch not in branches:
            raise NotCompilableError(f"node({type_name})")
        if len(parts) == 2:
            return {"t": branch, "s": parts[0], "k": parts[1]}
        return {"t": branch, "k": parts[0]} if len(parts) == 1 else {"t": None}
    keyed = _SINGLE_KEYS.get(type_name)
    if keyed is None:
        # A node type the resolvers fetch and the compiler does not (Change) goes to
        # them; any other name is no type of this API: null on both paths.
        if type_name in _RESOLVER_ONLY:
            raise NotCompilableError(f"node({type_name})")
        return {"t": None}
    if type_name not in branches:
        raise NotCompilableError(f"node({type_name})")
    if keyed[1]:
        number = parse_int_key(parts)
        if number is not None and number > _MAX_INTEGER:
            raise NotCompilableError("node(id) beyond INTEGER")
        return {"t": None} if number is None else {"t": type_name, "k": number}
    return {"t": type_name, "k": parts[0]} if len(parts) == 1 else {"t": None}


#: Node types only the resolvers fetch.
_RESOLVER_ONLY = frozenset({"Change"})


def _ids_parameter(
    ids: Callable[[Arguments], list[str]], branches: frozenset[str]
) -> Callable[[Arguments], str]:
    def value(arguments: Arguments) -> str:
        return orjson.dumps([_element(str(text), branches) for text in ids(arguments)]).decode()

    return value


def _branches(planner: Planner, root: list[FieldDetails], element: str) -> list[_Branch]:
    """One branch per node type whose selection compiles, reading the id element ``element``."""
    d = planner.dialect
    key = d.member_text(element, "k")
    number = d.member_integer(element, "k")
    found: list[_Branch] = []
    for type_name, (column, integer) in _SINGLE_KEYS.items():
        row = Row(planner.alias("n"))
        try:
            obj = planner.object_sql(type_name, row, root)
        except NotCompilableError:
            continue
        wanted = number if integer else key
        found.append(
            _Branch(
                type_name,
                f"SELECT {obj} FROM {source(d, type_name)} AS {row.alias} "
                f"WHERE {row.col(column)} = {wanted} LIMIT 1",
            )
        )
    # A programme by its key alone: all its offers (it carries no school down).
    row = Row(planner.alias("n"))
    try:
        obj = planner.object_sql("Programme", row, root)
        found.append(
            _Branch(
                "Programme",
                f"SELECT {obj} FROM programme AS {row.alias} WHERE {row.col('key')} = {key} "
                "LIMIT 1",
            )
        )
    except NotCompilableError:
        pass
    # A programme seen from a school that teaches it (programmes_at_schools).
    alias = planner.alias("n")
    school = f"{alias}_s"
    row = Row(alias, {"school_id": f"{school}.id"})
    try:
        obj = planner.object_sql("Programme", row, root)
        slug = d.member_text(element, "s")
        found.append(
            _Branch(
                _PROGRAMME_AT_SCHOOL,
                f"SELECT {obj} FROM programme AS {alias} "
                f"JOIN school_programme AS {alias}_sp ON {alias}_sp.programme_id = {alias}.id "
                f"JOIN school AS {school} ON {school}.id = {alias}_sp.school_id "
                f"WHERE {row.col('key')} = {key} AND {school}.slug = {slug} LIMIT 1",
            )
        )
    except NotCompilableError:
        pass
    return found


def _answer(planner: Planner, branches: list[_Branch], element: str) -> str:
    """SQL: the JSON object answering the id element ``element`` (NULL: none)."""
    d = planner.dialect
    if not branches:
        raise NotCompilableError("node: no type compiles")
    kind = d.member_text(element, "t")
    cases = " ".join(f"WHEN {d.literal(branch.name)} THEN ({branch.sql})" for branch in branches)
    return d.embed(f"CASE {kind} {cases} END", many=False)


def _answers(
    planner: Planner, root: list[FieldDetails], bind: Bind, ids: Callable[[Arguments], list[str]]
) -> tuple[str, str, str]:
    """(the JSON answer of one id element, the FROM item of the ids' elements, its alias)."""
    d = planner.dialect
    alias = planner.alias("e")
    element = f"{alias}.value"
    branches = _branches(planner, root, element)
    names = frozenset(branch.name for branch in branches)
    parameter = bind(_ids_parameter(ids, names), d.json_type)
    return _answer(planner, branches, element), d.elements(parameter, alias), alias


def plan_node(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """``node(id:)``: the one id's object, or null."""
    answer, elements, _alias = _answers(planner, root, bind, lambda a: [a["id"]])
    return _json_root(planner, root, f"SELECT {answer} FROM {elements} LIMIT 1")


def _check_ids(arguments: Arguments, max_page_size: int) -> None:
    # Too many: the resolvers' readable error.
    if not 0 <= len(arguments["ids"]) <= max_page_size:
        raise NotCompilableError("nodes(ids) over the page size")


def plan_nodes(planner: Planner, root: list[FieldDetails], bind: Bind) -> RootPlan:
    """``nodes(ids:)``: each id's object or null, in the order of the ids."""
    answer, elements, alias = _answers(planner, root, bind, lambda a: list(a["ids"]))
    select = planner.dialect.json_array(answer, f"FROM {elements}", f"{alias}.key")
    plan = _json_root(planner, root, select)
    return replace(plan, check=_check_ids)
