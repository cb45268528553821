"""Faces that import a room's modules only when a name is first used (PEP 562).

A room's ``__init__`` names what other rooms may import (``__all__``) and where each name lives,
as ``from room.module import Name`` lines under ``if TYPE_CHECKING:`` — the type checker and
import-linter read those — and ends with ``__getattr__ = lazy_face(__name__, __file__)``. At run
time the first ``from room import Name`` imports only ``room.module``, so a command that needs the
logging set-up does not load the metrics registry, and ``mobility --help`` stays fast.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path


def _homes(face_file: str) -> dict[str, tuple[str, str]]:
    """Each name the face's ``TYPE_CHECKING`` block imports: (module, attribute)."""
    tree = ast.parse(Path(face_file).read_text(encoding="utf-8"))
    homes: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        homes[alias.asname or alias.name] = (statement.module, alias.name)
    return homes


def lazy_face(package: str, face_file: str) -> Callable[[str], object]:
    """The ``__getattr__`` of ``package``'s face, defined in ``face_file``."""
    homes: dict[str, tuple[str, str]] | None = None

    def attribute(name: str) -> object:
        nonlocal homes
        if homes is None:
            homes = _homes(face_file)
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = home
        value = getattr(importlib.import_module(module), attribute)
        setattr(importlib.import_module(package), name, value)
        return value

    return attribute
