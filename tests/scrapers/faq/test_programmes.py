"""Programme identity: name scoped by the schools that share it."""

from __future__ import annotations

from scrapers.faq.interpret.programmes import KEY_MAX_LENGTH, ProgrammeGroups, programme_key


def test_the_key_does_not_depend_on_which_school_names_it_first() -> None:
    assert programme_key("sicom", ["phelma", "ense3"]) == "sicom@ense3+phelma"
    assert programme_key("sicom", ["ense3", "phelma", "ense3"]) == "sicom@ense3+phelma"


def test_a_long_key_keeps_a_prefix_and_a_hash() -> None:
    key = programme_key("x" * 400, ["school"])
    other = programme_key("x" * 399 + "y", ["school"])
    assert len(key) == KEY_MAX_LENGTH
    assert key != other
    assert key.startswith("xxxx")


def test_a_shared_programme_is_one_group_even_when_one_item_omits_the_clause() -> None:
    groups = ProgrammeGroups()
    groups.add(("phelma", "sicom"))
    groups.share(("phelma", "sicom"), ("ense3", "sicom"))
    groups.add(("ense3", "sicom"))
    groups.add(("aalto", "msc"))
    groups.add(("kth", "msc"))
    sicom = ("sicom@ense3+phelma", ("ense3", "phelma"))
    assert groups.keys() == {
        ("phelma", "sicom"): sicom,
        ("ense3", "sicom"): sicom,
        ("aalto", "msc"): ("msc@aalto", ("aalto",)),
        ("kth", "msc"): ("msc@kth", ("kth",)),
    }
