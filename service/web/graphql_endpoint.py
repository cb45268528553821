"""The /graphql endpoint: GraphQL over HTTP around ``schema.execute``.

Follows the GraphQL-over-HTTP specification: GET for queries only (405 for mutations), POST
with a JSON body, ``application/graphql-response+json`` with 4xx on request errors when the
client accepts it, ``application/json`` (200) otherwise. Every request has one deadline
covering its body and its execution; successful query responses are cached on the data
version (service.web.response_cache, service.web.data_version); responses are encoded with
orjson.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Receive, Scope, Send
from strawberry.types.graphql import OperationType as StrawberryOperation

from service.admin import AdminAuth, check_admin_token
from service.catalogue import SearchIndexCache
from service.config import Settings
from service.db import SerializedSession, StatementBound, bound_statements, read_data_version
from service.graphql import CatalogueSchema, ReadCompiler, ResponseNotes, build_context
from service.name_resolution import Resolver, resolve_with_system
from service.observability import ErrorKind, Metrics, request_id_in
from service.web.deadlines import DeadlineWatch
from service.web.graphiql_page import GraphiQLPage, graphiql_html_response
from service.web.graphql_request import GraphQLParams, ProtocolError, read_params
from service.web.graphql_response import encode_result, error_response
from service.web.http_cache import etag_of, mark_private, mark_public, matches, not_modified
from service.web.negotiation import GRAPHQL_RESPONSE, JSON, choose_response_type, prefers_html
from service.web.persisted_queries import PersistedOperations
from service.web.plain_http import Answer, RequestHead
from service.web.request_bounds import check_variables
from service.web.request_tally import RequestTally
from service.web.response_cache import CacheKey, ResponseCache, cache_key
from service.web.runtime import Runtime, runtime_of_app
from service.web.shedding import ExecutionGate, OverloadedError
from service.web.volatile import reads_visit_log

logger = logging.getLogger("service.web")


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failure outside GraphQL execution: logged with its trace, counted, answered masked."""

    log: str
    status: int
    message: str
    code: str

    def answer(self, exc: BaseException, call: _Call) -> Answer:
        logger.error("request %s: %s", call.request_id, self.log, exc_info=exc)
        call.tally.errors.add(ErrorKind.INTERNAL)
        return error_response(
            self.status, self.message, call.media_type, code=self.code, request_id=call.request_id
        )


@dataclass(slots=True)
class _Call:
    """One request to the endpoint, as far as it has been read."""

    head: RequestHead
    tally: RequestTally
    #: What the answer is encoded as (service.web.negotiation).
    media_type: str
    request_id: str
    params: GraphQLParams | None = None

    @property
    def graphql(self) -> GraphQLParams:
        """The request's GraphQL parameters (once read)."""
        assert self.params is not None, "the parameters are read first"
        return self.params


_UNEXPECTED = _Failure("unexpected error", 500, "Unexpected error.", "INTERNAL_SERVER_ERROR")
_DATABASE_DOWN = _Failure(
    "database failure", 503, "The database is unavailable.", "DATABASE_UNAVAILABLE"
)


class GraphQLEndpoint:
    """Serves one schema; shared by all requests of an application."""

    def __init__(
        self,
        settings: Settings,
        schema: CatalogueSchema,
        *,
        response_cache: ResponseCache,
        search_indexes: SearchIndexCache,
        persisted: PersistedOperations,
        graphiql: GraphiQLPage | None = None,
        metrics: Metrics | None = None,
        resolver: Resolver = resolve_with_system,
    ) -> None:
        self.settings = settings
        #: Resolves host names for the admin API (``importFaq``'s URL).
        self.resolver = resolver
        self.schema = schema
        self.response_cache = response_cache
        self.search_indexes = search_indexes
        #: Documents named by hash (automatic persisted queries, or trusted documents only).
        self.persisted = persisted
        #: The page browsers get; None when GraphiQL is switched off.
        self.graphiql = graphiql
        self.metrics = metrics
        #: Answers the catalogue queries it covers in SQL; None: the resolvers answer all.
        self.compiler = ReadCompiler(schema) if settings.compiled_reads else None
        #: Executions under way that identical anonymous queries wait for (see _single_flight).
        self._in_flight: dict[tuple[int, CacheKey], asyncio.Future[_Executed]] = {}
        #: The requests' deadlines, on one timer (decision 0290).
        self.deadlines = DeadlineWatch()
        self.gate = ExecutionGate(
            max_concurrent=settings.graphql.max_concurrent,
            max_queued=settings.graphql.max_queued,
            max_wait_seconds=settings.graphql.queue_wait_seconds,
            deadlines=self.deadlines,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI application for GET, HEAD and POST /graphql (decision 0270)."""
        head = RequestHead.of(scope)
        answer = await self.handle(head, receive)
        await answer(scope, receive, send)

    async def handle(self, head: RequestHead, receive: Receive) -> Answer:
        """The answer to one request."""
        if head.method == "HEAD":
            return await self._head(head, receive)
        if (
            self.graphiql is not None
            and head.method == "GET"
            and "query" not in head.query_params()
            and prefers_html(head.headers.get("accept"))
        ):
            return _graphiql_answer(self.graphiql)
        return await self._measured(head, receive)

    async def _measured(self, head: RequestHead, receive: Receive) -> Answer:
        started = time.perf_counter()
        tally = RequestTally()
        try:
            return await self._handle(head, receive, tally)
        finally:
            if self.metrics is not None:
                elapsed = time.perf_counter() - started
                self.metrics.observe_graphql(tally.operation, elapsed, tally.errors)

    async def _head(self, head: RequestHead, receive: Receive) -> Answer:
        """HEAD is GET without the body: the same status and headers (a monitor's probe).

        Without a query there is nothing to execute: the GraphiQL page's headers when it is
        served, else 405 naming the methods that do something.
        """
        if "query" not in head.query_params():
            if self.graphiql is None:
                return Answer.build(b"", status=405, headers={"Allow": "GET, POST"})
            full = _graphiql_answer(self.graphiql)
        else:
            full = await self._measured(head, receive)
        return full.without_body()

    async def _handle(self, head: RequestHead, receive: Receive, tally: RequestTally) -> Answer:
        media_type = choose_response_type(head.headers.get("accept"))
        if media_type is None:
            tally.refused(406)
            return error_response(
                406, f"Accept {GRAPHQL_RESPONSE} or {JSON}.", JSON, code="NOT_ACCEPTABLE"
            )
        call = _Call(head, tally, media_type, request_id_in(head.state))
        deadline = asyncio.get_running_loop().time() + self.settings.request_deadline_seconds
        reading = True
        # One deadline covers the body and the execution: 408 while the body comes, 503 after.
        try:
            async with self.deadlines.guard(deadline) as window:
                try:
                    call.params = await self._params(head, receive)
                except ProtocolError as problem:
                    tally.refused(problem.status)
                    return error_response(
                        problem.status,
                        problem.message,
                        media_type,
                        code=problem.code,
                        headers=problem.headers,
                    )
                reading = False
                tally.operation = call.params.operation_name
                head.state["operation_name"] = call.params.operation_name  # for the access line
                try:
                    return await self._run(call)
                except TimeoutError:
                    raise
                except Exception as exc:
                    # Outside GraphQL execution (which masks its own errors): still masked, traced.
                    return _UNEXPECTED.answer(exc, call)
        except TimeoutError:
            if not window.expired():
                raise
            if reading:
                tally.refused(408)
                return error_response(408, "The request body came too slowly.", media_type)
            logger.warning("request %s stopped at its deadline", call.request_id)
            tally.errors.add(ErrorKind.LIMIT)
            return error_response(
                503,
                f"The request did not finish within {self.settings.request_deadline_seconds:g} s.",
                media_type,
                code="DEADLINE_EXCEEDED",
                request_id=call.request_id,
            )

    async def _params(self, head: RequestHead, receive: Receive) -> GraphQLParams:
        params = await read_params(head, receive, max_body_bytes=self.settings.max_body_bytes)
        params = self.persisted.resolve(params)
        check_variables(
            params.variables,
            max_depth=self.settings.graphql.max_variables_depth,
            max_values=self.settings.graphql.max_variable_values,
        )
        return params

    async def _run(self, call: _Call) -> Answer:
        params, tally, media_type = call.graphql, call.tally, call.media_type
        try:
            document = self.schema.parser.parse(params.query)
        except GraphQLError as error:
            tally.parse_failed(error)
            error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
            return encode_result(None, [error], media_type, request_error=True)
        operation = get_operation_ast(document, params.operation_name)
        if operation is None:
            tally.errors.add(ErrorKind.VALIDATION)
            message = (
                f"Unknown operation named '{params.operation_name}'."
                if params.operation_name
                else "The document has several operations: say which in `operationName`."
            )
            unknown = GraphQLError(message, extensions={"code": "OPERATION_RESOLUTION_FAILURE"})
            return encode_result(None, [unknown], media_type, request_error=True)
        if operation.name is not None:
            tally.operation = operation.name.value
        if operation.operation is OperationType.SUBSCRIPTION:
            # The schema has no subscriptions, and HTTP requests cannot carry one anyway.
            tally.refused(400)
            return error_response(
                400,
                "Subscriptions are not served: this API answers queries and mutations only "
                "(poll `changes` for what changed).",
                media_type,
                code="SUBSCRIPTIONS_NOT_SUPPORTED",
            )
        is_query = operation.operation is OperationType.QUERY
        if call.head.method != "POST" and not is_query:
            tally.refused(405)
            return error_response(
                405,
                f"A {operation.operation.value} is only executed over POST.",
                media_type,
                headers={"Allow": "POST"},
            )
        try:
            return await self._execute(call, is_query=is_query)
        except OverloadedError:
            tally.refused(503)
            return error_response(
                503,
                "The server is busy; retry in a moment.",
                media_type,
                code="OVERLOADED",
                request_id=call.request_id,
                headers={"Retry-After": str(self.settings.graphql.retry_after_seconds)},
            )
        except (DBAPIError, OSError) as exc:
            return _DATABASE_DOWN.answer(exc, call)

    async def _execute(self, call: _Call, *, is_query: bool) -> Answer:
        head, params, media_type = call.head, call.graphql, call.media_type
        runtime = runtime_of_app(head.app)
        key = cache_key(params.query, params.variables, params.operation_name)
        admin = check_admin_token(self.settings.admin.token, head.headers.get("authorization"))
        # Sync runs and link checks move without the data version: never from the cache.
        cacheable = is_query and not reads_visit_log(params.query)
        execution = _Execution(self, runtime, call, admin, key, is_query, cacheable)

        async def run() -> _Executed:
            async with self.gate.admit():
                return await execution()

        anonymous = "authorization" not in head.headers
        max_age = self.settings.http_cache_max_age_seconds
        if cacheable and (self.response_cache.max_bytes or anonymous):
            recent = await runtime.versions.current()
            etag = etag_of(recent, key)
            # Only GET revalidates (RFC 9110 §13.1.2); POST answers carry the ETag all the same.
            revalidating = anonymous and head.method != "POST"
            if revalidating and matches(head.headers.get("if-none-match"), etag):
                return not_modified(etag, max_age)
            body = self.response_cache.get(recent, key) if self.response_cache.max_bytes else None
            if body is not None:
                cached = Answer.build(body, media_type=f"{media_type}; charset=utf-8")
                return mark_public(cached, etag, max_age) if anonymous else mark_private(cached)
            if anonymous and self.response_cache.max_bytes:
                executed = await self._single_flight((recent, key), run)
                return self._respond(executed, call, key, anonymous=anonymous)
        return self._respond(await run(), call, key, anonymous=anonymous)

    async def _single_flight(
        self, flight: tuple[int, CacheKey], run: Callable[[], Awaitable[_Executed]]
    ) -> _Executed:
        """One execution for identical anonymous queries at one data version, however many ask.

        The execution is a task of its own: a caller stopped at its deadline does not stop it,
        so it still fills the cache for the next callers (a cold cache under load would
        otherwise start the same expensive query once per connection, and finish none).
        """
        task = self._in_flight.get(flight)
        if task is None:
            task = asyncio.ensure_future(run())
            self._in_flight[flight] = task
            task.add_done_callback(lambda done: self._landed(flight, done))
        return await asyncio.shield(task)

    def _landed(self, flight: tuple[int, CacheKey], task: asyncio.Future[_Executed]) -> None:
        if self._in_flight.get(flight) is task:
            del self._in_flight[flight]
        if not task.cancelled() and (error := task.exception()) is not None:
            # Every caller may have gone: say it here too, so it is never lost.
            logger.debug("shared execution failed: %r", error)

    def _respond(
        self, executed: _Executed, call: _Call, key: CacheKey, *, anonymous: bool
    ) -> Answer:
        call.tally.executed(executed.errors, executed.notes)
        response = encode_result(
            executed.data, executed.errors, call.media_type, extensions=executed.extensions
        )
        if executed.is_query and executed.notes.cacheable and not executed.errors and anonymous:
            etag = etag_of(executed.version, key)
            return mark_public(response, etag, self.settings.http_cache_max_age_seconds)
        # It depends on the caller's token, changed something, or failed: no cache may keep it.
        return mark_private(response)


@dataclass(frozen=True, slots=True)
class _Executed:
    """What one execution produced, for every caller that shares it."""

    data: dict[str, Any] | None
    errors: Sequence[GraphQLError]
    extensions: dict[str, Any] | None
    notes: ResponseNotes
    is_query: bool
    #: The data version of the snapshot it read (what its ETag says).
    version: int


@dataclass(frozen=True, slots=True)
class _Execution:
    """One operation run against the database, committed or cached as it requires."""

    endpoint: GraphQLEndpoint
    runtime: Runtime
    call: _Call
    admin: AdminAuth
    key: CacheKey
    is_query: bool
    #: A query whose answer may be kept under the data version (:mod:`service.web.volatile`).
    cacheable: bool

    async def __call__(self) -> _Executed:
        endpoint, runtime, params = self.endpoint, self.runtime, self.call.graphql
        alone = await self._alone()
        if alone is not None:
            return alone
        # Only a mutation with the admin token may write; a refused one runs read-only.
        writes = not self.is_query and self.admin.allowed
        session = await (
            runtime.write_session() if writes else runtime.read_session(read_only=True)
        )
        db = SerializedSession(session)
        bound: StatementBound | None = None
        try:
            # A runaway statement is stopped by the database itself (service.db.deadline).
            bound = await db.run(bound_statements, endpoint.settings.request_deadline_seconds)
            # The version of this request's own snapshot: what the response is stored under.
            read_at = time.monotonic()
            version = await db.run(read_data_version)
            runtime.versions.observe(version, read_at)
            context = build_context(
                request_id=self.call.request_id,
                db=db,
                data_version=version,
                max_page_size=endpoint.settings.max_page_size,
                search_indexes=endpoint.search_indexes,
                admin=self.admin,
                webhook_urls=endpoint.settings.webhook.urls,
                resolver=endpoint.resolver,
            )
            context.notes.cacheable = self.cacheable
            compiled: dict[str, Any] | None = None
            data: dict[str, Any] | None
            if self.is_query and endpoint.compiler is not None:
                compiled = await endpoint.compiler.execute(
                    db,
                    params.query,
                    params.variables,
                    params.operation_name,
                    max_page_size=endpoint.settings.max_page_size,
                    data_version=version,
                )
            if compiled is not None:
                # One statement per root field built the JSON; its values are spliced as is.
                data, errors, extensions = compiled, [], None
            else:
                result = await endpoint.schema.execute(
                    params.query,
                    variable_values=params.variables,
                    context_value=context,
                    operation_name=params.operation_name,
                    allowed_operation_types=_ALLOWED.get(self.call.head.method, _QUERIES_ONLY),
                )
                data, errors, extensions = result.data, list(result.errors or ()), result.extensions
                if writes and not await _commit_or_roll_back(
                    db, runtime, result.errors, self.call.request_id
                ):
                    data = None
        finally:
            if bound is not None:
                bound.release()
            await db.close()
        if (
            self.is_query
            and not errors
            and context.notes.cacheable
            and endpoint.response_cache.max_bytes
        ):
            # A successful answer is the same bytes whatever the response media type.
            body = encode_result(data, None, JSON, extensions=extensions).body
            endpoint.response_cache.put(version, self.key, bytes(body))
        return _Executed(data, errors, extensions, context.notes, self.is_query, version)

    async def _alone(self) -> _Executed | None:
        """A compiled query answered by one statement outside a transaction (PostgreSQL,
        ReadCompiler.execute_alone), or None: the session path below answers it."""
        endpoint, runtime, params = self.endpoint, self.runtime, self.call.graphql
        if not self.is_query or endpoint.compiler is None or not runtime.statement_timeout_set:
            return None
        read_at = time.monotonic()
        answered = await endpoint.compiler.execute_alone(
            runtime.engine,
            params.query,
            params.variables,
            params.operation_name,
            max_page_size=endpoint.settings.max_page_size,
            recent_version=await runtime.versions.current(),
        )
        if answered is None:
            return None
        data, version = answered
        runtime.versions.observe(version, read_at)
        notes = ResponseNotes(cacheable=self.cacheable)
        if self.cacheable and endpoint.response_cache.max_bytes:
            body = encode_result(data, None, JSON).body
            endpoint.response_cache.put(version, self.key, bytes(body))
        return _Executed(data, [], None, notes, self.is_query, version)


def _graphiql_answer(page: GraphiQLPage) -> Answer:
    page_response = graphiql_html_response(page)
    return Answer(page_response.status_code, bytes(page_response.body), page_response.raw_headers)


async def _commit_or_roll_back(
    db: SerializedSession,
    runtime: Runtime,
    errors: Sequence[GraphQLError] | None,
    request_id: str,
) -> bool:
    """Commit an admin mutation that ran without errors; otherwise write nothing at all.

    After a commit the new data version is read at once, so that this process's next request
    (the writer's next query) never gets a cached answer from before the write.
    Returns whether it committed; the response of a failed mutation has no data, since the
    fields that succeeded were rolled back with it.
    """
    if errors:
        await db.run(AsyncSession.rollback)
        logger.warning("request %s: the mutation had errors; nothing was written", request_id)
        return False
    await db.run(AsyncSession.commit)
    read_at = time.monotonic()
    runtime.versions.observe(await db.run(read_data_version), read_at)
    return True


_QUERIES_ONLY = (StrawberryOperation.QUERY,)
#: GET (and HEAD) never execute mutations; POST executes what the schema has.
_ALLOWED: dict[str, tuple[StrawberryOperation, ...]] = {
    "POST": (StrawberryOperation.QUERY, StrawberryOperation.MUTATION),
}
