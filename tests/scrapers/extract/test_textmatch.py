"""Folding keeps offsets: the folded copy has the same length, character for character."""

from __future__ import annotations

import unicodedata

import pytest

from scrapers.extract.textmatch import (
    BY_GROUP,
    compile_cues,
    find_mentions,
    fold_aligned,
    scopes_around,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Date Limite : 15 MARS", "date limite : 15 mars"),
        ("Année complète, 1er février", "annee complete, 1er fevrier"),
        ("Hakuaika päättyy 15.4.", "hakuaika paattyy 15.4."),
        # "İ" loses its dot like any accent (lower-casing it whole would give two characters).
        ("İstanbul Straße", "istanbul straße"),
        ("ǅ ﬁ", "ǆ ﬁ"),
        ("\u03a3\u0391\u03a3 \u03a9mega", "\u03c3\u03b1\u03c3 \u03c9mega"),  # Greek
    ],
)
def test_folding_removes_case_and_accents_and_keeps_every_offset(text: str, folded: str) -> None:
    assert fold_aligned(text) == folded
    assert len(fold_aligned(text)) == len(text)


def _folded_by_hand(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else base


def test_the_translation_table_folds_every_character_as_the_definition_says() -> None:
    # Round 26: ``str.translate`` through a table that learns characters as it meets them.
    text = "".join(chr(code) for code in range(0x80, 0x3000) if not 0xD800 <= code < 0xE000)
    assert fold_aligned(text) == "".join(map(_folded_by_hand, text))
    assert len(fold_aligned(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "value", "clause"),
    [
        # "è" (is) and "où" (where) fold to "e" (and) and "ou" (or), but split no clause
        # (decision 0380); the written "e" and "ou" still do.
        ("Il massimo è di 36 CFU", "36", "Il massimo è di 36 CFU"),
        ("Le mois où tombe le 15 mai", "15 mai", "Le mois où tombe le 15 mai"),
        ("Inglese B2 e francese B1", "B1", "francese B1"),
        ("Anglais B2 OU allemand B1", "B1", "allemand B1"),
        ("English B2 \u2013 German B1", "B1", "German B1"),
    ],
)
def test_a_clause_ends_at_a_written_conjunction_not_at_a_folded_accent(
    text: str, value: str, clause: str
) -> None:
    start = text.index(value)
    span = (start, start + len(value))
    innermost = scopes_around(fold_aligned(text), span, (0, len(text)), written=text)[0]
    assert text[innermost[0] : innermost[1]].strip() == clause


def test_a_cue_labelled_by_its_groups_takes_each_matchs_group_name() -> None:
    # One scan for many labels (the requirement languages, decision 0380).
    cues = ((compile_cues("(?P<en>english|anglais)|(?P<fr>french|francais)"), BY_GROUP),)
    assert [(m.start, m.label) for m in find_mentions("anglais ou francais", cues)] == [
        (0, "en"),
        (11, "fr"),
    ]
