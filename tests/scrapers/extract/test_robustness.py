"""``bench.extraction_robustness``: which pages it reads, and how it counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.devset import DEVSET
from bench.extraction_robustness import (
    development_pages,
    format_scores,
    score_boilerplate,
    score_transforms,
)
from bench.markup_transforms import TRANSFORMS, Page
from service.catalogue.fields import FactField

_PAGE = "fr01-ensx-venir-en-echange.html"


def _labels(tmp_path: Path, pages: list[dict[str, object]]) -> Path:
    for page in pages:
        shutil.copy(DEVSET.parent / _PAGE, tmp_path / str(page["file"]))
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    return labels


def _entry(file: str, **extra: object) -> dict[str, object]:
    return {
        "file": file,
        "url": "https://www.ensx.fr/ensx-venir-en-echange",
        "language": "fr",
        "held_out": False,
        "facts": [["email", "ri@ensx.fr"], ["language_requirement", "fr", "B2"]],
        **extra,
    }


def test_only_development_pages_of_batches_one_to_eight_are_read(tmp_path: Path) -> None:
    labels = _labels(
        tmp_path,
        [
            _entry("a.html"),
            _entry("b.html", held_out=True),
            _entry("c.html", batch=8),
            _entry("d.html", batch=9),
            _entry("e.html", batch=10, held_out=True),
        ],
    )
    assert [page.file for page in development_pages(labels)] == ["a.html", "c.html"]


def test_the_whole_development_part_is_read_and_nothing_held_out() -> None:
    pages = list(development_pages())
    labelled = json.loads(DEVSET.read_text(encoding="utf-8"))["pages"]
    held_out = {page["file"] for page in labelled if page["held_out"]}
    assert len(pages) == 126
    assert not held_out & {page.file for page in pages}


def test_a_transformation_is_scored_on_the_pages_labels_and_against_the_page_as_it_is(
    tmp_path: Path,
) -> None:
    (page,) = development_pages(_labels(tmp_path, [_entry("a.html")]))
    scores = score_transforms([page], {"reparsed": TRANSFORMS["reparsed"]})
    assert list(scores) == ["as is", "reparsed"]
    as_is = scores["as is"]
    # The page holds more facts than these two labels: the others count as false positives.
    assert as_is.total.true_positives == 2
    assert as_is.total.false_negatives == 0
    assert as_is.total.false_positives == 6
    assert as_is.lost == []
    assert as_is.gained == []
    table = format_scores(scores)
    assert table.splitlines()[0] == (
        "| transformation | deadline | language | credits | duration | e-mail | all"
        " | lost | gained |"
    )
    assert table.splitlines()[2].startswith("| as is | 0.00 / 1.00 | 1.00 / 1.00 |")


def test_the_facts_a_transformation_loses_and_gains_are_listed_with_their_page(
    tmp_path: Path,
) -> None:
    (page,) = development_pages(_labels(tmp_path, [_entry("a.html")]))

    def swap_address(html: str, _: Page) -> str:
        return html.replace("ri @ ensx.fr", "accueil @ ensx.fr")

    scores = score_transforms([page], {"another address": swap_address})
    changed = scores["another address"]
    assert changed.lost == [("a.html", ("email", "ri@ensx.fr"))]
    assert changed.gained == [("a.html", ("email", "accueil@ensx.fr"))]
    assert changed.tallies[FactField.EMAIL].false_negatives == 1
    assert changed.tallies[FactField.EMAIL].false_positives == 1
    assert changed.tallies[FactField.LANGUAGE_REQUIREMENT].true_positives == 1


def test_a_page_of_boilerplate_alone_yields_no_fact_in_any_language() -> None:
    counts = score_boilerplate()
    assert len(counts) == 24
    assert {"footer (fr)", "all blocks (en)", "mega menu (it)"} <= set(counts)
    assert {name: count for name, count in counts.items() if count} == {}
