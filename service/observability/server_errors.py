"""An exception escaping the application, answered as Starlette's ``ServerErrorMiddleware``
answers it, by a middleware that already wraps ``send`` (``RequestIdMiddleware`` on the
``/graphql`` path, decision 0321): one ``send`` wrapper per request instead of two."""

from __future__ import annotations

from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import Message, Receive, Scope, Send


async def _discard(_message: Message) -> None:
    return None


async def server_error(
    middleware: ServerErrorMiddleware,
    exc: Exception,
    *,
    started: bool,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    """What ``middleware`` (Starlette's ``ServerErrorMiddleware``) does with ``exc`` escaping
    the application: its 500 (or its handler's, or its debug page) sent unless the response
    started (built all the same, as it builds it), and ``exc`` raised again."""

    async def failing(_scope: Scope, _receive: Receive, _send: Send) -> None:
        raise exc

    errors = ServerErrorMiddleware(failing, handler=middleware.handler, debug=middleware.debug)
    await errors(scope, receive, _discard if started else send)
    raise exc  # pragma: no cover - ServerErrorMiddleware always raises it again
