"""The httpx transport of the fetcher: connections go only to pinned, validated addresses.

httpx resolves host names itself, inside the connection pool, after any check we could make: a
DNS answer that changes between our check and its lookup would send the request elsewhere. This
transport gives httpcore's pool a network backend that ignores DNS entirely and dials the address
the :class:`~scrapers.fetch.resolve.AddressBook` validated and pinned for ``(host, port)``; an
unpinned host is refused. URLs keep their host names, so the Host header, TLS server name
indication and certificate checks, and connection pooling all stay keyed by name.

Proxies are not supported (they would make the address guard moot), and only HTTP/1.1 is spoken.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping

import httpcore
import httpx

from service.addresses import IPAddress

#: httpcore exceptions and what httpx calls them, most specific first.
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _httpx_exceptions() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for source, target in _EXCEPTIONS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials the pinned addresses of a host instead of resolving its name.

    Every pinned address was validated; they are tried in order, as a browser tries each
    address of a DNS answer (an IPv6 address first, on a machine without an IPv6 route, would
    otherwise make a working site look broken).
    """

    def __init__(self, pins: Mapping[tuple[str, int], tuple[IPAddress, ...]]) -> None:
        self._pins = pins
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = self._pins.get((host.lower(), port))
        if not addresses:
            # Nothing reaches the network without passing the address guard first.
            raise httpcore.ConnectError(f"refusing to connect to {host}:{port}: not validated")
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_exceptions():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _httpx_exceptions():
                await close()


class PinnedTransport(httpx.AsyncBaseTransport):
    """An HTTP/1.1 transport over :class:`PinnedBackend`."""

    def __init__(
        self,
        pins: Mapping[tuple[str, int], tuple[IPAddress, ...]],
        *,
        ssl_context: ssl.SSLContext,
        max_connections: int,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            # No keep-alive: requests to a host are a politeness delay apart, so an idle
            # connection is rarely reused before the pool evicts it, and httpcore polls every
            # pooled connection's socket on each request (measured: keep-alive made a 1,000-site
            # sync 1.2 to 2.4 times slower; docs/benchmarks.md).
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            network_backend=PinnedBackend(pins),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("the fetcher sends asynchronous requests only")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_exceptions():
            response = await self._pool.handle_async_request(core_request)
        if not isinstance(response.stream, AsyncIterable):
            raise TypeError("httpcore returned a synchronous stream")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
