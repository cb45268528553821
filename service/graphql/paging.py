"""The page size of a list or connection asked without ``first``/``last``.

A module of its own, importing nothing: the resolvers, the compiled read path and the cost
estimate (which must not import the resolvers) all read it.
"""

from __future__ import annotations

DEFAULT_PAGE_SIZE = 20
