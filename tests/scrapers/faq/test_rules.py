"""Selection rules from "Pour qui ?"."""

from __future__ import annotations

from scrapers.faq.interpret.catalogue import RuleSpec
from scrapers.faq.interpret.rules import parse_rules

SEED_RULES = (
    "La sélection pour les programmes de mobilité et de double-diplômation se fait sur la base de "
    "l'excellence des notes (S1 et S2) + la motivation à poursuivre ses études à l'étranger. "
    "Pour le cas d'ISEM ils prennent aussi les notes du S3 en considération."
)


def test_everyone_s1_s2_and_motivation_isem_also_s3() -> None:
    assert parse_rules([SEED_RULES]) == [
        RuleSpec(
            track=None,
            semesters=("S1", "S2"),
            criteria=("grades", "motivation"),
            source_text=SEED_RULES.split(" Pour le cas")[0],
        ),
        RuleSpec(
            track="ISEM",
            semesters=("S1", "S2", "S3"),
            criteria=("grades", "motivation"),
            source_text="Pour le cas d'ISEM ils prennent aussi les notes du S3 en considération.",
        ),
    ]


def test_a_known_track_named_in_a_sentence_gets_its_rule() -> None:
    rules = parse_rules(
        ["Sélection sur les notes du S1. Les élèves IEL passent aussi un entretien."],
        known_tracks=["IEL"],
    )
    assert [(r.track, r.semesters, r.criteria) for r in rules] == [
        (None, ("S1",), ("grades",)),
        ("IEL", ("S1",), ("grades", "interview")),
    ]


def test_text_without_semesters_or_criteria_gives_no_rule() -> None:
    assert parse_rules(["Contactez le service des relations internationales."]) == []
