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
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types.graphql import OperationType as StrawberryOperation

from service.admin import AdminAuth, check_admin_token
from service.catalogue import SearchIndexCache
from service.config import Settings
from service.db import SerializedSession, StatementBound, bound_statements, read_data_version
from service.graphql import CatalogueSchema, ReadCompiler, ResponseNotes, build_context
from service.name_resolution import Resolver, resolve_with_system
from service.observability import ErrorKind, Metrics, request_id_of
from service.web.graphiql_page import GraphiQLPage, graphiql_html_response
from service.web.graphql_request import GraphQLParams, ProtocolError, read_params
from service.web.graphql_response import encode_result, error_response
from service.web.http_cache import etag_of, mark_private, mark_public, matches, not_modified
from service.web.negotiation import GRAPHQL_RESPONSE, JSON, choose_response_type, prefers_html
from service.web.persisted_queries import PersistedOperations
from service.web.request_bounds import check_variables
from service.web.request_tally import RequestTally
from service.web.response_cache import CacheKey, ResponseCache, cache_key
from service.web.runtime import Runtime, runtime_of
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

    def answer(
        self, exc: BaseException, tally: RequestTally, request_id: str, media_type: str
    ) -> Response:
        logger.error("request %s: %s", request_id, self.log, exc_info=exc)
        tally.errors.add(ErrorKind.INTERNAL)
        return error_response(
            self.status, self.message, media_type, code=self.code, request_id=request_id
        )


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
        self.gate = ExecutionGate(
            max_concurrent=settings.graphql.max_concurrent,
            max_queued=settings.graphql.max_queued,
            max_wait_seconds=settings.graphql.queue_wait_seconds,
        )

    async def handle(self, request: Request) -> Response:
        """Starlette endpoint for GET, HEAD and POST /graphql."""
        if request.method == "HEAD":
            return await self._head(request)
        accept = request.headers.get("accept")
        if (
            self.graphiql is not None
            and request.method == "GET"
            and "query" not in request.query_params
            and prefers_html(accept)
        ):
            return graphiql_html_response(self.graphiql)
        return await self._measured(request, accept)

    async def _measured(self, request: Request, accept: str | None) -> Response:
        started = time.perf_counter()
        tally = RequestTally()
        try:
            return await self._handle(request, accept, tally)
        finally:
            if self.metrics is not None:
                elapsed = time.perf_counter() - started
                self.metrics.observe_graphql(tally.operation, elapsed, tally.errors)

    async def _head(self, request: Request) -> Response:
        """HEAD is GET without the body: the same status and headers (a monitor's probe).

        Without a query there is nothing to execute: the GraphiQL page's headers when it is
        served, else 405 naming the methods that do something.
        """
        if "query" not in request.query_params:
            if self.graphiql is None:
                return Response(status_code=405, headers={"Allow": "GET, POST"})
            full = graphiql_html_response(self.graphiql)
        else:
            full = await self._measured(request, request.headers.get("accept"))
        return Response(b"", status_code=full.status_code, headers=dict(full.headers))

    async def _handle(self, request: Request, accept: str | None, tally: RequestTally) -> Response:
        request_id = request_id_of(request)
        media_type = choose_response_type(accept)
        if media_type is None:
            tally.refused(406)
            return error_response(
                406, f"Accept {GRAPHQL_RESPONSE} or {JSON}.", JSON, code="NOT_ACCEPTABLE"
            )
        deadline = asyncio.get_running_loop().time() + self.settings.request_deadline_seconds
        try:
            async with asyncio.timeout_at(deadline) as reading:
                params = await read_params(request, max_body_bytes=self.settings.max_body_bytes)
            params = self.persisted.resolve(params)
            check_variables(
                params.variables,
                max_depth=self.settings.graphql.max_variables_depth,
                max_values=self.settings.graphql.max_variable_values,
            )
        except ProtocolError as problem:
            tally.refused(problem.status)
            return error_response(
                problem.status,
                problem.message,
                media_type,
                code=problem.code,
                headers=problem.headers,
            )
        except TimeoutError:
            if not reading.expired():
                raise
            tally.refused(408)
            return error_response(408, "The request body came too slowly.", media_type)
        tally.operation = params.operation_name
        request.state.operation_name = params.operation_name  # for the access line
        try:
            async with asyncio.timeout_at(deadline) as running:
                return await self._run(request, params, media_type, request_id, tally)
        except TimeoutError:
            if not running.expired():
                raise
            logger.warning("request %s stopped at its deadline", request_id)
            tally.errors.add(ErrorKind.LIMIT)
            return error_response(
                503,
                f"The request did not finish within {self.settings.request_deadline_seconds:g} s.",
                media_type,
                code="DEADLINE_EXCEEDED",
                request_id=request_id,
            )
        except Exception as exc:
            # Outside GraphQL execution (which masks its own errors): still masked, still traced.
            return _UNEXPECTED.answer(exc, tally, request_id, media_type)

    async def _run(
        self,
        request: Request,
        params: GraphQLParams,
        media_type: str,
        request_id: str,
        tally: RequestTally,
    ) -> Response:
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
        if request.method != "POST" and not is_query:
            tally.refused(405)
            return error_response(
                405,
                f"A {operation.operation.value} is only executed over POST.",
                media_type,
                headers={"Allow": "POST"},
            )
        try:
            return await self._execute(
                request, params, media_type, request_id, tally, is_query=is_query
            )
        except OverloadedError:
            tally.refused(503)
            return error_response(
                503,
                "The server is busy; retry in a moment.",
                media_type,
                code="OVERLOADED",
                request_id=request_id,
                headers={"Retry-After": str(self.settings.graphql.retry_after_seconds)},
            )
        except (DBAPIError, OSError) as exc:
            return _DATABASE_DOWN.answer(exc, tally, request_id, media_type)

    async def _execute(
        self,
        request: Request,
        params: GraphQLParams,
        media_type: str,
        request_id: str,
        tally: RequestTally,
        *,
        is_query: bool,
    ) -> Response:
        runtime = runtime_of(request)
        key = cache_key(params.query, params.variables, params.operation_name)
        admin = check_admin_token(self.settings.admin.token, request.headers.get("authorization"))
        # Sync runs and link checks move without the data version: never from the cache.
        cacheable = is_query and not reads_visit_log(params.query)
        execution = _Execution(
            self, runtime, request, params, request_id, admin, key, is_query, cacheable
        )

        async def run() -> _Executed:
            async with self.gate.admit():
                return await execution()

        anonymous = "authorization" not in request.headers
        max_age = self.settings.http_cache_max_age_seconds
        if cacheable and (self.response_cache.max_bytes or anonymous):
            recent = await runtime.versions.current()
            etag = etag_of(recent, key)
            # Only GET revalidates (RFC 9110 §13.1.2); POST answers carry the ETag all the same.
            revalidating = anonymous and request.method != "POST"
            if revalidating and matches(request.headers.get("if-none-match"), etag):
                return not_modified(etag, max_age)
            body = self.response_cache.get(recent, key) if self.response_cache.max_bytes else None
            if body is not None:
                cached = Response(body, media_type=f"{media_type}; charset=utf-8")
                return mark_public(cached, etag, max_age) if anonymous else mark_private(cached)
            if anonymous and self.response_cache.max_bytes:
                executed = await self._single_flight((recent, key), run)
                return self._respond(executed, media_type, tally, key, anonymous=anonymous)
        return self._respond(await run(), media_type, tally, key, anonymous=anonymous)

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
        self,
        executed: _Executed,
        media_type: str,
        tally: RequestTally,
        key: CacheKey,
        *,
        anonymous: bool,
    ) -> Response:
        tally.executed(executed.errors, executed.notes)
        response = encode_result(
            executed.data, executed.errors, media_type, extensions=executed.extensions
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
    request: Request
    params: GraphQLParams
    request_id: str
    admin: AdminAuth
    key: CacheKey
    is_query: bool
    #: A query whose answer may be kept under the data version (:mod:`service.web.volatile`).
    cacheable: bool

    async def __call__(self) -> _Executed:
        endpoint, runtime = self.endpoint, self.runtime
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
                request_id=self.request_id,
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
                    self.params.query,
                    self.params.variables,
                    self.params.operation_name,
                    max_page_size=endpoint.settings.max_page_size,
                    data_version=version,
                )
            if compiled is not None:
                # One statement per root field built the JSON; its values are spliced as is.
                data, errors, extensions = compiled, [], None
            else:
                result = await endpoint.schema.execute(
                    self.params.query,
                    variable_values=self.params.variables,
                    context_value=context,
                    operation_name=self.params.operation_name,
                    allowed_operation_types=_ALLOWED.get(self.request.method, _QUERIES_ONLY),
                )
                data, errors, extensions = result.data, list(result.errors or ()), result.extensions
                if writes and not await _commit_or_roll_back(
                    db, runtime, result.errors, self.request_id
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
        endpoint, runtime = self.endpoint, self.runtime
        if not self.is_query or endpoint.compiler is None or not runtime.statement_timeout_set:
            return None
        read_at = time.monotonic()
        answered = await endpoint.compiler.execute_alone(
            runtime.engine,
            self.params.query,
            self.params.variables,
            self.params.operation_name,
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
