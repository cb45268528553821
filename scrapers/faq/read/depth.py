"""Refuse a FAQ page whose elements nest deeper than the walk reads.

The walk (:mod:`.walk`) follows nested lists and containers by recursion, one Python
frame or two per level: that keeps it a plain reading of the page, and a real FAQ page nests a
handful of levels. A page nested hundreds of levels deep (a broken export, or a hostile page given
as a URL) would end in ``RecursionError``; it is measured here first, without recursion, and
refused with one clear line before anything is interpreted or written (decision 0032).
"""

from __future__ import annotations

from scrapers.faq.errors import SourceError
from scrapers.faq.read.tree import Element, element_children

#: Deepest element nesting accepted. The seed page nests 6 levels, its published page 11;
#: 200 levels cost the walk at most ~400 frames, well inside Python's default limit of 1,000.
#: (The HTML parser, libxml2, stops building a tree at 256 levels: a deeper page is still
#: refused here, never walked.)
MAX_DEPTH = 200


def measure_depth(root: Element, *, stop_after: int = MAX_DEPTH) -> int:
    """How many elements deep the document of ``root`` (its ``<html>`` element, level 1: the
    document itself is level 0) goes, counted with an explicit stack; counting stops as soon
    as it passes ``stop_after``."""
    deepest = 0
    stack: list[tuple[Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > stop_after:
                return deepest
        stack.extend((child, depth + 1) for child in element_children(element))
    return deepest


def check_depth(root: Element, label: str) -> None:
    """Raise :class:`SourceError` when ``root`` nests more than :data:`MAX_DEPTH` elements deep."""
    if measure_depth(root) > MAX_DEPTH:
        raise SourceError(
            f"{label} nests its elements more than {MAX_DEPTH} levels deep, beyond what a FAQ "
            "page needs: refused, nothing imported"
        )
