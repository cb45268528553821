"""Running compiled operations: plan cache, variable coercion, one statement per root field.

``ReadCompiler.execute`` answers a query operation whose root fields are all compilable, or
returns None so that the caller executes it through the resolvers (mutations, admin fields,
anything the relation table does not know, invalid documents, and argument values the
resolvers answer with an error: their messages stay theirs). The answer's values are
``orjson.Fragment``s of the JSON the database built: encoding the response copies them in
without decoding them.

What does not depend on variable values is done once per (document, operation) and kept:
the parsed and validated document, the cost decision (per data version and the values of the
variables it reads: page sizes and directives), the plan and its statements compiled to the
driver's own parameter style. A request coerces its variables, binds them and sends each
root's statement as the driver takes it (no SQLAlchemy compilation per request); a repeat of
the same variables (the same canonical JSON) reuses its coerced values, bound parameters and
root arguments as well. See docs/decisions/0111-per-document-work-once.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    Visitor,
    get_operation_ast,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.collect_fields import FragmentDetails, collect_fields
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from sqlalchemy import text
from sqlalchemy.engine.interfaces import Dialect as SQLAlchemyDialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service.db import SerializedSession, fetch_alone, listens_to_statements
from service.graphql.compiler.dialect import Dialect
from service.graphql.compiler.plan import Check, Guard, NotCompilableError, Planner, Slot
from service.graphql.compiler.roots import RootPlan, plan_root
from service.graphql.cost import refuse_many_fields
from service.graphql.schema import CatalogueSchema

PLAN_CACHE_SIZE = 512
#: Requests whose variables are larger than this (canonical JSON bytes) are read afresh each
#: time: the cache of read requests keeps small keys only.
READ_KEY_MAX_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Statement:
    """A root's SQL in the driver's own parameter style, and the order of its parameters."""

    sql: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OperationPlan:
    """The root fields of one operation (by response key) and the parameters they bind."""

    roots: dict[str, RootPlan]
    slots: tuple[Slot, ...]
    #: The argument values its SQL text was written for (which filters are given…).
    guards: tuple[Guard, ...]
    #: Tests of arguments below the roots against the server's limits, run per request.
    checks: tuple[Check, ...]
    #: Each root's statement, compiled once (by response key).
    statements: dict[str, Statement]


@dataclass(frozen=True, slots=True)
class _Document:
    """What a document yields once: its operation, fragments and directive variables."""

    parsed: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    #: Variables that @skip/@include read: the plan depends on their values.
    directive_variables: tuple[str, ...]
    #: Variables the cost estimate reads (directives and page sizes): its cache key.
    cost_variables: tuple[str, ...]


#: A plan, its bound parameters and each root's arguments (by response key).
_Bound = tuple[OperationPlan, dict[str, Any], dict[str, dict[str, Any]]]


@dataclass(slots=True)
class _Read:
    """One request's operation as read: its text and operation name, its document and
    variables, as given and coerced, and (per driver and page-size limit) its plan, bound
    parameters and root arguments."""

    query: str
    operation_name: str | None
    document: _Document
    given: dict[str, Any]
    coerced: VariableValues
    #: The values of the variables the cost estimate reads (its cache key).
    cost_values: tuple[Any, ...]
    bound: dict[tuple[str, int], _Bound | None]


#: The arguments whose values the cost estimate reads (service.graphql.cost's page sizes).
_COST_ARGUMENTS = frozenset({"first", "last"})


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.page_sizes: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.names.add(argument.value.name.value)

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        if node.name.value in _COST_ARGUMENTS and isinstance(node.value, VariableNode):
            self.page_sizes.add(node.value.name.value)


class ReadCompiler:
    """Compiles and runs read-only catalogue operations for one schema."""

    def __init__(self, schema: CatalogueSchema, *, cache_size: int = PLAN_CACHE_SIZE) -> None:
        self.schema = schema
        self._graphql: GraphQLSchema = schema._schema
        self._rules = (*specified_rules, *schema.limit_rules)
        self._documents: OrderedDict[tuple[str, str | None], _Document | None] = OrderedDict()
        self._plans: OrderedDict[tuple[Any, ...], OperationPlan | None] = OrderedDict()
        #: Whether an operation is within the cost limits, per document, data version and the
        #: values of the variables the estimate reads.
        self._allowed: OrderedDict[tuple[Any, ...], bool] = OrderedDict()
        #: Requests read before, per (document, operation, canonical variables): a repeat
        #: request neither coerces its variables nor binds its parameters again.
        self._reads: OrderedDict[tuple[str, str | None, bytes], _Read | None] = OrderedDict()
        self._cache_size = cache_size

    async def execute(
        self,
        db: SerializedSession,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        *,
        max_page_size: int,
        data_version: int,
    ) -> dict[str, Any] | None:
        """The response data, or None: execute this operation through the resolvers."""
        read = self._read(query, variables, operation_name)
        if read is None:
            return None
        # Over the cost limits: the resolvers' path refuses it (QUERY_TOO_COMPLEX), before SQL.
        if not await self._allows(db, read, data_version, max_page_size):
            return None
        driver = await db.run(_driver_dialect)
        bound = self._bound_once(read, driver, max_page_size)
        if bound is None:
            return None
        plan, params, arguments = bound
        data: dict[str, Any] = {}
        for key, root in plan.roots.items():
            try:
                rows = await db.run(_fetch, plan.statements[key], params)
            except OperationalError as error:
                if "parser stack overflow" not in str(error):
                    raise
                # SQLite's parser has a fixed stack: a selection nested deeper than it can
                # parse goes through the resolvers from now on (nothing ran: no state to undo).
                self._plans[self._plan_key(read, Dialect(driver.name))] = None
                self._reads.clear()  # they may hold that plan
                return None
            data[key] = root.assemble(rows, arguments[key])
        return data

    async def execute_alone(
        self,
        engine: AsyncEngine,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        *,
        max_page_size: int,
        recent_version: int,
    ) -> tuple[dict[str, Any], int] | None:
        """PostgreSQL: the response data and the data version it was read at, from one
        statement on a pooled connection outside any transaction; or None: use :meth:`execute`.

        One root field's statement is its own snapshot, and it reads the data version beside
        its rows, so the round trips of :meth:`execute`'s transaction (``BEGIN``, the timeout,
        the version's read, ``ROLLBACK``) are not needed; the statement timeout is the
        connection's own (service.web.runtime). asyncpg sends it on a connection of the
        engine's pool (service.db.alone, decision 0185), unless something listens to the
        engine's statement events. Only what is known without a session is
        answered here: a cost decision already made at ``recent_version`` (the clock's; the
        bounds it multiplies move only with writes), one root whose rows carry the version.
        See docs/decisions/0150-one-statement-per-compiled-read.md.
        """
        read = self._read(query, variables, operation_name)
        if read is None:
            return None
        allowed = self._allowed.get(self._cost_key(read, recent_version, max_page_size))
        if not allowed:
            return None  # unknown yet (execute() estimates it) or refused (the resolvers say so)
        bound = self._bound_once(read, engine.dialect, max_page_size)
        if bound is None:
            return None
        plan, params, arguments = bound
        if len(plan.roots) != 1:
            return None  # several statements: one snapshot needs execute()'s transaction
        ((key, root),) = plan.roots.items()
        if not root.carries_version:
            return None
        statement = plan.statements[key]
        values = tuple(map(params.__getitem__, statement.names))
        rows: Sequence[Any]
        if listens_to_statements(engine):
            # Through SQLAlchemy's Connection, whose events count and trace the statement.
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                result = await connection.exec_driver_sql(statement.sql, values)
                rows = list(result.mappings())
        else:
            rows = await fetch_alone(engine, statement.sql, values)
        return {key: root.assemble(rows, arguments[key])}, int(rows[0]["data_version"])

    def _read(
        self, query: str, variables: Mapping[str, Any] | None, operation_name: str | None
    ) -> _Read | None:
        """The operation's document, its variables as given and as coerced; None: the
        resolvers answer it (not compilable, or wrong variables: they report the error).

        Kept per (document, operation, variables as canonical JSON), which tells apart every
        two values that coerce differently (``1``, ``1.0`` and ``true`` included)."""
        try:
            encoded = b"" if not variables else orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except (TypeError, orjson.JSONEncodeError):
            encoded = None  # not JSON orjson writes (an integer past 64 bits): not kept
        if encoded is not None and len(encoded) > READ_KEY_MAX_BYTES:
            encoded = None
        key = None if encoded is None else (query, operation_name, encoded)
        if key is not None and key in self._reads:
            self._reads.move_to_end(key)
            return self._reads[key]
        read = self._read_afresh(query, variables, operation_name)
        if key is not None:
            _remember(self._reads, key, read, self._cache_size)
        return read

    def _read_afresh(
        self, query: str, variables: Mapping[str, Any] | None, operation_name: str | None
    ) -> _Read | None:
        document = self._document(query, operation_name)
        if document is None:
            return None
        given = dict(variables or {})
        coerced = get_variable_values(
            self._graphql, document.operation.variable_definitions or (), given
        )
        if isinstance(coerced, list):
            return None
        cost_values = tuple(coerced.coerced.get(name) for name in document.cost_variables)
        return _Read(query, operation_name, document, given, coerced, cost_values, {})

    def _bound_once(
        self, read: _Read, driver: SQLAlchemyDialect, max_page_size: int
    ) -> _Bound | None:
        """:meth:`_bound`, once per request read and driver (see :meth:`_read`)."""
        key = (driver.name, max_page_size)
        if key in read.bound:
            return read.bound[key]
        bound = read.bound[key] = self._bound(read, driver, max_page_size)
        return bound

    def _bound(self, read: _Read, driver: SQLAlchemyDialect, max_page_size: int) -> _Bound | None:
        """The plan, its bound parameters and each root's arguments; None: not compilable."""
        plan = self._plan(read, Dialect(driver.name), driver)
        if plan is None:
            return None
        coerced = read.coerced
        try:
            # Several slots read the arguments of one field: coerce each field's once.
            at: dict[int, dict[str, Any]] = {}
            for guard in plan.guards:
                if guard.value(_arguments_at(at, guard.field_def, guard.node, coerced)) != (
                    guard.expected
                ):
                    # The shape key (_shape) tells the texts apart; a value it does not
                    # determine is answered by the resolvers rather than by the wrong text.
                    raise NotCompilableError("arguments of another shape than the plan's")
            params = {
                slot.name: slot.value(_arguments_at(at, slot.field_def, slot.node, coerced))
                for slot in plan.slots
            }
            arguments = {
                key: _arguments_at(at, root.field_def, root.node, coerced)
                for key, root in plan.roots.items()
            }
            for key, root in plan.roots.items():
                _check_filter_keys(root.node.name.value, arguments[key])
                root.check(arguments[key], max_page_size)
            # A connection below a root (Link.checksConnection): its page size against the
            # server's maximum, its cursors; the plan itself does not depend on the limit.
            for check in plan.checks:
                check.check(_arguments_at(at, check.field_def, check.node, coerced), max_page_size)
        except NotCompilableError:
            return None
        return plan, params, arguments

    async def _allows(
        self, db: SerializedSession, read: _Read, data_version: int, max_page_size: int
    ) -> bool:
        """The cost limits' decision, estimated once per document, data version and the
        values the estimate reads (the bounds it uses change only with the data version)."""
        key = self._cost_key(read, data_version, max_page_size)
        allowed = self._allowed.get(key)
        if allowed is None:
            allowed = await self.schema.cost.allows(
                self._graphql,
                read.document.parsed,
                db,
                data_version=data_version,
                variables=dict(read.given),
                operation_name=read.operation_name,
                max_page_size=max_page_size,
            )
            _remember(self._allowed, key, allowed, self._cache_size)
        return allowed

    @staticmethod
    def _cost_key(read: _Read, data_version: int, max_page_size: int) -> tuple[Any, ...]:
        return (read.query, read.operation_name, data_version, max_page_size, read.cost_values)

    def _document(self, query: str, operation_name: str | None) -> _Document | None:
        key = (query, operation_name)
        if key in self._documents:
            self._documents.move_to_end(key)
            return self._documents[key]
        try:
            parsed = self.schema.parser.parse(query)
        except GraphQLError:
            parsed = None
        found = None if parsed is None else self._read_document(parsed, operation_name)
        _remember(self._documents, key, found, self._cache_size)
        return found

    def _read_document(
        self, document: DocumentNode, operation_name: str | None
    ) -> _Document | None:
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return None
        # Too many fields: the resolvers' path refuses it before validation, whose cost grows
        # faster than the document (550 conflicting fields took seconds to validate here).
        if refuse_many_fields(document, self.schema.cost.max_fields) is not None:
            return None
        if validate(self._graphql, document, self._rules):
            return None
        fragments = {
            definition.name.value: FragmentDetails(definition)
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        if any(details.definition.variable_definitions for details in fragments.values()):
            return None
        names = _DirectiveVariables()
        visit(document, names)
        return _Document(
            document,
            operation,
            fragments,
            tuple(sorted(names.names)),
            tuple(sorted(names.names | names.page_sizes)),
        )

    def _plan(
        self, read: _Read, dialect: Dialect, driver: SQLAlchemyDialect
    ) -> OperationPlan | None:
        key = self._plan_key(read, dialect)
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        try:
            plan: OperationPlan | None = self._build(read.document, read.coerced, dialect, driver)
        except NotCompilableError:
            plan = None
        _remember(self._plans, key, plan, self._cache_size)
        return plan

    @staticmethod
    def _plan_key(read: _Read, dialect: Dialect) -> tuple[Any, ...]:
        coerced = read.coerced.coerced
        directives = tuple(coerced.get(name) for name in read.document.directive_variables)
        return (read.query, read.operation_name, dialect.name, directives, _shape(coerced))

    def _build(
        self,
        document: _Document,
        variables: VariableValues,
        dialect: Dialect,
        driver: SQLAlchemyDialect,
    ) -> OperationPlan:
        query_type = self._graphql.query_type
        assert query_type is not None
        planner = Planner(dialect, self._graphql, document.fragments, variables, document.operation)
        collected = collect_fields(
            self._graphql, document.fragments, variables, query_type, document.operation
        )
        if collected.new_defer_usages or not collected.grouped_field_set:
            raise NotCompilableError("@defer or nothing selected")
        roots: dict[str, RootPlan] = {}
        for key, details in collected.grouped_field_set.items():
            if details[0].node.name.value == "__typename":
                raise NotCompilableError("__typename at the root")
            roots[key] = plan_root(planner, details)
        statements = {key: _compile(driver, root.sql) for key, root in roots.items()}
        return OperationPlan(
            roots, tuple(planner.slots), tuple(planner.guards), tuple(planner.checks), statements
        )


def _shape(value: Any) -> Any:
    """What of the variables' values a plan's SQL text may depend on (Guard): which values
    are null, the booleans and enum values, the keys of input objects, whether a list is
    empty; never a string or number (each would be its own plan and prepared statement)."""
    if value is None or isinstance(value, bool | Enum):
        return value
    if isinstance(value, Mapping):
        return tuple((key, _shape(item)) for key, item in sorted(value.items()))
    if isinstance(value, list | tuple):
        return (
            "list",
            bool(value),
            _shape(value[0]) if value and isinstance(value[0], Mapping) else None,
        )
    return True


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


async def _driver_dialect(session: AsyncSession) -> SQLAlchemyDialect:
    return session.get_bind().dialect


def _arguments_at(
    memo: dict[int, dict[str, Any]], field_def: Any, node: Any, variables: VariableValues
) -> dict[str, Any]:
    found = memo.get(id(node))
    if found is None:
        found = memo[id(node)] = get_argument_values(field_def, node, variables)
    return found


def _compile(dialect: SQLAlchemyDialect, sql: str) -> Statement:
    """``sql`` as the driver takes it: ``$1``… (asyncpg) or ``?`` (sqlite3), compiled once."""
    compiled = text(sql).compile(dialect=dialect)
    return Statement(compiled.string, tuple(compiled.positiontup or ()))


async def _fetch(session: AsyncSession, statement: Statement, params: dict[str, Any]) -> list[Any]:
    """The statement's rows: sent as the driver takes it, with no SQL compilation per request.

    Through the connection (not the raw driver) so that its events fire (statement counts,
    tracing) and driver errors arrive as SQLAlchemy's, like every other statement's.
    """
    connection = await session.connection()
    values = tuple(map(params.__getitem__, statement.names))
    return list((await connection.exec_driver_sql(statement.sql, values)).mappings())


#: The offer filter's fields the compiled SQL applies (roots.offer_filter).
_OFFER_FILTER_KEYS = frozenset(
    {
        "includeRetired",
        "kinds",
        "academicYear",
        "countryCode",
        "homeTrack",
        "hasPlaces",
        "languageAtMost",
        "deadlineOnOrAfter",
        "semester",
    }
)

_FINDING_FILTER_KEYS = frozenset({"school", "origin", "kinds", "severities", "includeResolved"})

#: The filter fields each root's SQL applies. A filter field the schema has and this table does
#: not (one added on the resolvers' path) sends the operation to the resolvers: never ignored.
COMPILED_FILTER_KEYS: dict[str, frozenset[str]] = {
    "countries": frozenset({"codes", "withPartners"}),
    "schools": frozenset(
        {"countryCodes", "partnersOnly", "includeRetired", "homeTrack", "offerKinds"}
    ),
    "offers": _OFFER_FILTER_KEYS,
    "offersConnection": _OFFER_FILTER_KEYS,
    "findings": _FINDING_FILTER_KEYS,
    "findingsConnection": _FINDING_FILTER_KEYS,
}


def _check_filter_keys(root_name: str, arguments: Mapping[str, Any]) -> None:
    given = arguments.get("filter") or {}
    known = COMPILED_FILTER_KEYS.get(root_name, frozenset())
    unknown = [name for name, value in given.items() if value is not None and name not in known]
    if unknown:
        raise NotCompilableError(f"{root_name}(filter: {', '.join(sorted(unknown))})")
