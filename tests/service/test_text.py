"""Text folding and slugs."""

from __future__ import annotations

import pytest

from service.text import collapse_spaces, fold, slugify


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Télécom Saint-Étienne", "telecom saint-etienne"),
        ("  FINLANDE\u00a0 ", "finlande"),
        ("École\td'ingénieur", "ecole d'ingenieur"),
        ("Straße", "strasse"),
    ],
)
def test_fold_ignores_accents_case_and_spacing(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "ENSIM : Ecole Nationale d'Ingénieurs du Mans",
            "ensim-ecole-nationale-dingenieurs-du-mans",
        ),
        ("Télécom Saint-Etienne", "telecom-saint-etienne"),
        ("Grenoble INP - Ense3", "grenoble-inp-ense3"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_collapse_spaces_keeps_words() -> None:
    assert collapse_spaces("2 Double diplôme\n    + 2 échanges") == "2 Double diplôme + 2 échanges"
