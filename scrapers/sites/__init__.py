"""Site adapters: per-partner selectors and parsers, keyed by host, over the generic extractors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from scrapers.sites.registry import adapter_for

__all__ = [
    "adapter_for",
]

__getattr__ = lazy_face(__name__, __file__)
