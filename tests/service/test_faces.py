"""Every room's face names what it exports once, and each name resolves to its module's object."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import scrapers
import service
from service.faces import _homes

ROOT = Path(__file__).resolve().parents[2]


def _lazy_faces() -> list[str]:
    faces = []
    for package in (service, scrapers):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            init = ROOT / info.name.replace(".", "/") / "__init__.py"
            if info.ispkg and "lazy_face(" in init.read_text(encoding="utf-8"):
                faces.append(info.name)
    return faces


def test_there_are_lazy_faces() -> None:
    assert "service.observability" in _lazy_faces()


@pytest.mark.parametrize("name", _lazy_faces())
def test_a_face_exports_what_it_imports_and_each_name_is_the_modules_own(name: str) -> None:
    face = importlib.import_module(name)
    homes = _homes(str(ROOT / name.replace(".", "/") / "__init__.py"))
    assert sorted(face.__all__) == sorted(homes)
    for exported, (module, attribute) in homes.items():
        assert getattr(face, exported) is getattr(importlib.import_module(module), attribute)


def test_an_unknown_name_is_an_attribute_error_naming_the_face() -> None:
    face = importlib.import_module("service.observability")
    with pytest.raises(AttributeError, match=r"'service\.observability' has no attribute 'Nope'"):
        face.Nope  # noqa: B018
