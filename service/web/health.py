"""Health endpoints for orchestrators: alive (the process answers) and ready (the database
is reachable, migrated to the revision this code expects, and holds an imported catalogue)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from service.catalogue import NEVER_IMPORTED, catalogue_imported
from service.config import Settings
from service.db import current_state
from service.errors import DatabaseUnavailableError
from service.web.runtime import runtime_of

logger = logging.getLogger("service.web")


async def healthz(_request: Request) -> JSONResponse:
    """200 while the process can answer."""
    return JSONResponse({"status": "alive"})


def build_readyz(settings: Settings) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The /readyz endpoint for ``settings``."""

    async def readyz(request: Request) -> JSONResponse:
        """200 when the database answers, is at the head revision and holds an imported
        catalogue; 503 with the reason otherwise."""
        runtime = runtime_of(request)
        engine = runtime.engine
        try:
            async with asyncio.timeout(settings.db.connect_timeout):
                state = await current_state(engine, settings)
                imported = False
                if state.at_head:
                    async with runtime.sessions() as session:
                        imported = await catalogue_imported(session)
        except (DatabaseUnavailableError, TimeoutError) as exc:
            logger.warning("readiness check: database unavailable: %s", exc)
            return JSONResponse(
                {"status": "unavailable", "reason": "the database cannot be reached"}, 503
            )
        if not state.at_head:
            current = ", ".join(state.current) or "empty"
            return JSONResponse(
                {
                    "status": "not ready",
                    "reason": f"the database is at revision {current}, not {state.head}",
                },
                503,
            )
        if not imported:
            return JSONResponse({"status": "not ready", "reason": NEVER_IMPORTED}, 503)
        return JSONResponse({"status": "ready", "revision": state.head})

    return readyz
