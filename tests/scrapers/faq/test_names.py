"""One spelling per parent institution."""

from __future__ import annotations

from scrapers.faq.interpret.names import NameCorrection, resolve_names


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


def test_a_correction_is_made_again_once_the_names_it_kept_are_known() -> None:
    written = ["Groupe Riri INP"] * 20 + ["Groupe Borri INP"] * 14 + ["Groupe Bortar INP"] * 10
    first = resolve_names(written)
    assert first.corrections == [NameCorrection("Groupe Borri INP", "Groupe Riri INP")]
    # After the first import both kept names are known; "Bortar" is the closer of the two.
    known = sorted(set(first.canonical.values()))
    assert resolve_names(written, known).corrections == [
        NameCorrection("Groupe Borri INP", "Groupe Bortar INP")
    ]
    previous = {c.written: c.read_as for c in first.corrections}
    again = resolve_names(written, known, previous)
    assert (again.canonical, again.corrections) == (first.canonical, first.corrections)


def test_a_previous_correction_whose_reading_is_gone_is_judged_afresh() -> None:
    written = ["Groupe Bortar INP"] * 10 + ["Groupe Borri INP"] * 14
    again = resolve_names(written, previous={"Groupe Borri INP": "Groupe Riri INP"})
    assert again.corrections == [NameCorrection("Groupe Bortar INP", "Groupe Borri INP")]
