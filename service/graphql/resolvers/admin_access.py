"""The gate of every admin field: the caller's token, checked once per request.

The HTTP layer checks the ``Authorization`` header (service.admin.auth) and puts the outcome in
the context; each admin resolver asks here first. Whatever the outcome, the response depends on
the caller, so it is marked uncacheable.
"""

from __future__ import annotations

import logging

from service.admin import AdminAuthOutcome
from service.graphql.context import GraphQLInfo
from service.graphql.types.admin import AdminRefused

logger = logging.getLogger("service.admin")


def admin_actor(info: GraphQLInfo) -> str | AdminRefused:
    """Who the caller is (a token fingerprint), or the refusal to answer with."""
    context = info.context
    context.notes.cacheable = False
    auth = context.admin
    if auth.allowed and auth.actor is not None:
        return auth.actor
    context.notes.admin_refused = True
    if auth.outcome is AdminAuthOutcome.WRONG:
        logger.warning("admin field %s refused: wrong token", info.field_name)
    return AdminRefused.from_auth(auth)
