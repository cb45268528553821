"""One spelling per parent institution."""

from __future__ import annotations

from scrapers.faq.names import NameCorrection, resolve_names


def test_a_rare_misspelling_is_read_as_the_common_spelling() -> None:
    names = resolve_names(["Greoble INP", "Grenoble INP", "Grenoble INP", "Bordeaux INP"])
    assert names.canonical == {
        "Greoble INP": "Grenoble INP",
        "Grenoble INP": "Grenoble INP",
        "Bordeaux INP": "Bordeaux INP",
    }
    assert names.corrections == [NameCorrection(written="Greoble INP", read_as="Grenoble INP")]


def test_the_catalogue_spelling_wins_over_a_single_page_mention() -> None:
    names = resolve_names(["Greoble INP"], known=["Grenoble INP"])
    assert names.canonical == {"Greoble INP": "Grenoble INP"}


def test_names_differing_by_a_number_stay_apart() -> None:
    names = resolve_names(["Université Paris 1", "Université Paris 2"])
    assert names.canonical == {
        "Université Paris 1": "Université Paris 1",
        "Université Paris 2": "Université Paris 2",
    }
    assert names.corrections == []


def test_equally_used_look_alikes_are_kept_and_reported() -> None:
    names = resolve_names(["Grenoble INPP", "Grenoble INP"])
    assert names.corrections == []
    assert len(names.similar) == 1
    assert set(names.similar[0]) == {"Grenoble INPP", "Grenoble INP"}


def test_case_and_accent_variants_are_one_name() -> None:
    names = resolve_names(["Toulouse INP", "toulouse inp", "Toulouse INP"])
    assert names.canonical == {"Toulouse INP": "Toulouse INP", "toulouse inp": "Toulouse INP"}
