"""The HTTP surface: the Starlette app, the GraphQL endpoint, GraphiQL, health checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.web.app import create_app
    from service.web.graphiql_assets import ASSETS, DEFAULT_ASSETS_DIR, install_assets, load_assets
    from service.web.trusted_documents import (
        add_typename,
        collect_operations,
        manifest_json,
        read_documents,
    )

__all__ = [
    "ASSETS",
    "DEFAULT_ASSETS_DIR",
    "add_typename",
    "collect_operations",
    "create_app",
    "install_assets",
    "load_assets",
    "manifest_json",
    "read_documents",
]

__getattr__ = lazy_face(__name__, __file__)
