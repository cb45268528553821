"""Query cost before execution: how many fields an operation can resolve, bounded from above.

The walk uses graphql-core's own field collection and argument coercion on the validated
document (fragments, inline fragments, aliases merged by response name, ``@skip``/``@include``
with the request's variables, argument defaults), so it sees exactly the fields execution
would. Every list multiplies the fields below it by the most rows it can return: its page
size (``first``/``last``, capped at the server's maximum, the default page when a connection
is asked without either; a connection's page applies to its ``nodes``/``edges``; the number of
ids of ``nodes(ids:)``), else the catalogue's real counts (service.catalogue.bounds, read once
per data version), else :data:`DEFAULT_LIST_ROWS` for small lists the counts do not cover.
Under distinct parents a list that splits its table among them (schools among countries)
is also capped by the table's total, so the whole catalogue tree costs what it holds, while
a cycle back up (school → country → schools) multiplies at every turn.
The estimate is the number of field resolutions; an operation over the budget is refused
with ``QUERY_TOO_COMPLEX`` before any resolver or SQL runs. See
docs/decisions/0090-query-cost-before-execution.md.

The walk is linear in the document (a list is a multiplication, not a loop over rows) and
its recursion is bounded by the validated depth limit; a visit cap stops documents whose
fragments fan out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    get_argument_values,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.executor import Executor

from service.catalogue import CatalogueBounds
from service.graphql.paging import DEFAULT_PAGE_SIZE

TOO_COMPLEX = "QUERY_TOO_COMPLEX"

#: Rows assumed for a list the catalogue counts do not cover (contacts, deadlines, hops…).
DEFAULT_LIST_ROWS = 10

#: Selection visits after which the walk stops: the estimate so far is already a lower bound.
MAX_VISITS = 20_000

#: (parent type, field) → the catalogue count bounding that list.
_COUNTED: Mapping[tuple[str, str], str] = {
    ("Query", "countries"): "countries",
    ("Query", "offers"): "offers",
    ("Query", "homeTracks"): "home_tracks",
    ("Query", "selectionRules"): "selection_rules",
    ("Query", "findings"): "findings",
    ("Country", "schools"): "schools_per_country",
    ("Programme", "schools"): "schools_per_programme",
    ("School", "programmes"): "programmes_per_school",
    ("School", "offers"): "offers_per_school",
    ("Programme", "offers"): "offers_per_school",
    ("Offer", "homeTracks"): "tracks_per_offer",
    ("School", "links"): "links_per_owner",
    ("Programme", "links"): "links_per_owner",
    ("School", "findings"): "findings_per_school",
}

#: Lists that split their table among distinct parents (each school is in one country, each
#: offer at one school…): under distinct parents, all of them together hold at most the
#: table's total, however many parents there are.
_PARTITIONS: Mapping[tuple[str, str], str] = {
    ("Country", "schools"): "schools",
    ("School", "programmes"): "school_programmes",
    ("School", "offers"): "offers",
    ("Programme", "offers"): "offers",
    ("Offer", "homeTracks"): "offer_tracks",
    ("School", "links"): "links",
    ("School", "findings"): "findings",
}

#: Types whose objects a to-one field can reach from many parents (many schools, one
#: country): below such a field, parents are no longer distinct. Other to-one fields
#: (a connection, its edges' nodes, a school's info) lead to one object per parent.
_SHARED_TYPES = frozenset(
    {"Country", "School", "Programme", "Offer", "HomeTrack", "SelectionRule", "Link", "SyncRun"}
)
_ONE_PER_PARENT: frozenset[tuple[str, str]] = frozenset({("SchoolEdge", "node")})

_PAGE_ARGUMENTS = ("first", "last")


class QueryTooComplexError(GraphQLError):
    """An operation refused for its size, before it ran."""

    def __init__(self, message: str, **figures: int) -> None:
        super().__init__(message, extensions={"code": TOO_COMPLEX, **figures})


def count_fields(document: DocumentNode) -> int:
    """Field selections written in ``document`` (each fragment once), without recursion.

    Cheap enough to run before validation, whose cost grows faster than the field count
    (OverlappingFieldsCanBeMerged compares fields sharing a response name pairwise).
    """
    count = 0
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        selection_set = getattr(node, "selection_set", None)
        if getattr(node, "kind", None) == "field":
            count += 1
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return count


def refuse_many_fields(document: DocumentNode, max_fields: int) -> QueryTooComplexError | None:
    """The error for a document with more than ``max_fields`` field selections, if it has."""
    fields = count_fields(document)
    if fields <= max_fields:
        return None
    return QueryTooComplexError(
        f"The document selects {fields} fields; at most {max_fields} are allowed.",
        fields=fields,
        maxFields=max_fields,
    )


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    executor: Executor[Any]
    bounds: CatalogueBounds
    max_page_size: int
    total: int = 0
    visits: int = 0

    def fields(
        self,
        parent: GraphQLObjectType,
        grouped: GroupedFieldSet,
        rows: int,
        page: int | None,
        distinct: bool,
    ) -> None:
        for details in grouped.values():
            self.visits += 1
            if self.visits > MAX_VISITS:
                return
            self.total += rows
            name = details[0].node.name.value
            definition = parent.fields.get(name)
            # Introspection is bounded by the schema, not by the data: counted, not walked.
            if definition is None or name.startswith("__"):
                continue
            self.field(parent, name, definition, details, (rows, page, distinct))

    def field(
        self,
        parent: GraphQLObjectType,
        name: str,
        definition: GraphQLField,
        details: FieldDetailsList,
        state: tuple[int, int | None, bool],
    ) -> None:
        rows, page, distinct = state
        named = get_named_type(definition.type)
        if not (is_object_type(named) or is_abstract_type(named)):
            return
        first = details[0]
        arguments = (
            get_argument_values(
                definition,
                first.node,
                self.executor.variable_values,
                first.fragment_variable_values,
            )
            if definition.args
            else {}
        )
        own_page = self.page_of(definition, arguments)
        if is_list_type(get_nullable_type(definition.type)):
            rows *= own_page or page or self.counted(parent.name, name)
            total = _PARTITIONS.get((parent.name, name))
            if distinct and total is not None:
                rows = min(rows, int(getattr(self.bounds, total)))
            below = None
        else:
            # A connection's page size bounds the lists right under it (nodes, edges).
            below = own_page
            distinct = distinct and (
                named.name not in _SHARED_TYPES or (parent.name, name) in _ONE_PER_PARENT
            )
        runtime_types = (
            self.schema.get_possible_types(named) if is_abstract_type(named) else [named]
        )
        # Each object has one type: an abstract field costs what its dearest type costs.
        before, dearest = self.total, 0
        for runtime_type in runtime_types:
            assert isinstance(runtime_type, GraphQLObjectType)
            collected = collect_subfields(
                self.schema,
                self.executor.fragments,
                self.executor.variable_values,
                self.executor.operation,
                runtime_type,
                details,
            )
            self.total = before
            self.fields(runtime_type, collected.grouped_field_set, rows, below, distinct)
            dearest = max(dearest, self.total - before)
        self.total = before + dearest

    def page_of(self, definition: GraphQLField, arguments: Mapping[str, Any]) -> int | None:
        for argument in _PAGE_ARGUMENTS:
            value = arguments.get(argument)
            if isinstance(value, int):
                return max(0, min(value, self.max_page_size))
        # ``nodes(ids:)``: one answer per id (more is the resolvers' error).
        ids = arguments.get("ids")
        if isinstance(ids, list):
            return min(len(ids), self.max_page_size)
        # A page asked without a size is the default page.
        if all(argument in definition.args for argument in _PAGE_ARGUMENTS):
            return min(DEFAULT_PAGE_SIZE, self.max_page_size)
        return None

    def counted(self, parent: str, name: str) -> int:
        count = _COUNTED.get((parent, name))
        return DEFAULT_LIST_ROWS if count is None else int(getattr(self.bounds, count))


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    bounds: CatalogueBounds,
    max_page_size: int,
) -> int | None:
    """The most field resolutions the operation can need; None when it cannot be planned.

    None means the operation or its variables are wrong: execution reports that itself.
    """
    executor = Executor.build(
        schema, document, raw_variable_values=variables, operation_name=operation_name
    )
    if isinstance(executor, list):
        return None
    root = schema.get_root_type(executor.operation.operation)
    if root is None:
        return None
    collected = collect_fields(
        schema, executor.fragments, executor.variable_values, root, executor.operation
    )
    walk = _Walk(schema, executor, bounds, max_page_size)
    walk.fields(root, collected.grouped_field_set, 1, None, True)
    return walk.total


def refuse_over_budget(estimate: int, budget: int) -> QueryTooComplexError | None:
    """The error for an estimate over ``budget``, if it is."""
    if estimate <= budget:
        return None
    return QueryTooComplexError(
        f"The operation may resolve up to {estimate} fields; the budget is {budget}. "
        "Ask for smaller pages (first) or fewer nested lists.",
        estimate=estimate,
        budget=budget,
    )
