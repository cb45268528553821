"""How well extraction generalises: the development pages rewritten, scored on their own labels.

    python -m bench.extraction_robustness [--details] [--only NAME]

For each development-part page of batches 1 to 8 of ``bench.devset`` (never a held-out page,
never a later batch), each transformation of ``bench.markup_transforms`` rewrites the markup in
a way a careful reader agrees leaves the page's facts unchanged; the extraction of the rewritten
page is scored against the page's labels (metamorphic testing). Printed per transformation:
precision and recall per fact type and overall, and the facts lost and gained against the
extraction of the page as it is. Then the boilerplate-only pages (each block of
``bench.boilerplate`` alone and all of them together, in each language): the facts they yield,
which should be none. ``--details`` lists the facts lost and gained, page by page.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.boilerplate import BLOCKS, LANGUAGES, boilerplate_page
from bench.devset import DEVSET, FETCHED_AT, MEASURED, Identity, Tally, identities
from bench.markup_transforms import TRANSFORMS, Page, Transform
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField

#: The batches whose development part is read; later batches are blind to this bench.
BATCHES = frozenset(range(1, 9))


@dataclass
class TransformScore:
    """One transformation's tallies, and what it changed against the page as it is."""

    tallies: dict[FactField, Tally] = field(
        default_factory=lambda: {fact_field: Tally() for fact_field in MEASURED}
    )
    #: ``(page, fact)`` found on the page as it is, not after the transformation.
    lost: list[tuple[str, Identity]] = field(default_factory=list)
    #: ``(page, fact)`` found after the transformation, not on the page as it is.
    gained: list[tuple[str, Identity]] = field(default_factory=list)

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            total.true_positives += tally.true_positives
            total.false_positives += tally.false_positives
            total.false_negatives += tally.false_negatives
        return total


@dataclass(frozen=True)
class LabelledPage:
    """A development page, its labels and what the transformations may know of it."""

    file: str
    html: str
    page: Page
    expected: frozenset[Identity]


def development_pages(
    labels: Path = DEVSET, batches: Collection[int] = BATCHES
) -> Iterator[LabelledPage]:
    """The development part's pages of ``batches`` (held-out pages are never read)."""
    data = json.loads(labels.read_text(encoding="utf-8"))
    for entry in data["pages"]:
        if entry["held_out"] or entry.get("batch", 1) not in batches:
            continue
        expected = frozenset(tuple(fact) for fact in entry["facts"])
        yield LabelledPage(
            file=entry["file"],
            html=(labels.parent / entry["file"]).read_text(encoding="utf-8"),
            page=Page(
                language=entry["language"],
                url=entry["url"],
                has_email=any(fact[0] == "email" for fact in expected),
            ),
            expected=expected,
        )


def _found(html: str, url: str) -> set[Identity]:
    return identities(extract_page(html, url, FETCHED_AT).facts)


def score_transforms(
    pages: Collection[LabelledPage], transforms: Mapping[str, Transform] = TRANSFORMS
) -> dict[str, TransformScore]:
    """Each transformation's score over ``pages``, and the page as it is under ``"as is"``."""
    scores = {name: TransformScore() for name in ("as is", *transforms)}
    for labelled in pages:
        clean = _found(labelled.html, labelled.page.url)
        _tally(scores["as is"], labelled, clean, clean)
        for name, transform in transforms.items():
            html = transform(labelled.html, labelled.page)
            _tally(scores[name], labelled, _found(html, labelled.page.url), clean)
    return scores


def _tally(
    score: TransformScore, labelled: LabelledPage, found: set[Identity], clean: set[Identity]
) -> None:
    for fact_field in MEASURED:
        mine = {item for item in found if item[0] == fact_field.value}
        theirs = {item for item in labelled.expected if item[0] == fact_field.value}
        tally = score.tallies[fact_field]
        tally.true_positives += len(mine & theirs)
        tally.false_positives += len(mine - theirs)
        tally.false_negatives += len(theirs - mine)
    score.lost += [(labelled.file, item) for item in sorted(clean - found, key=str)]
    score.gained += [(labelled.file, item) for item in sorted(found - clean, key=str)]


def score_boilerplate(domain: str = "univ-example.eu") -> dict[str, int]:
    """The measured facts each boilerplate-only page yields: each block alone and all of them,
    in each language (``"footer (fr)"``, ``"all blocks (it)"``)."""
    counts: dict[str, int] = {}
    url = f"https://www.{domain}/"
    for language in LANGUAGES:
        for name in BLOCKS:
            page = boilerplate_page(language, domain, (name,))
            counts[f"{name} ({language})"] = len(_found(page, url))
        counts[f"all blocks ({language})"] = len(_found(boilerplate_page(language, domain), url))
    return counts


_SHORT = {
    FactField.DEADLINE: "deadline",
    FactField.LANGUAGE_REQUIREMENT: "language",
    FactField.CREDITS: "credits",
    FactField.DURATION: "duration",
    FactField.EMAIL: "e-mail",
}


def format_scores(scores: dict[str, TransformScore]) -> str:
    """A Markdown table: a row per transformation, precision / recall per fact type and
    overall, and the facts lost and gained against the page as it is."""
    columns = [*(_SHORT[fact_field] for fact_field in MEASURED), "all"]
    lines = [
        "| transformation | " + " | ".join(columns) + " | lost | gained |",
        "|---|" + "---:|" * (len(columns) + 2),
    ]
    for name, score in scores.items():
        cells = [_cell(score.tallies[fact_field]) for fact_field in MEASURED]
        cells.append(f"**{_cell(score.total)}**")
        lines.append(
            f"| {name} | " + " | ".join(cells) + f" | {len(score.lost)} | {len(score.gained)} |"
        )
    return "\n".join(lines)


def _cell(tally: Tally) -> str:
    return f"{tally.precision:.2f} / {tally.recall:.2f}"


def format_changes(scores: dict[str, TransformScore]) -> str:
    """The facts each transformation lost and gained, page by page."""
    lines: list[str] = []
    for name, score in scores.items():
        if not score.lost and not score.gained:
            continue
        lines.append(f"{name}:")
        lines += [f"  lost   {page}: {item}" for page, item in score.lost]
        lines += [f"  gained {page}: {item}" for page, item in score.gained]
    return "\n".join(lines)


def format_boilerplate(counts: dict[str, int]) -> str:
    """The boilerplate-only pages that yield facts, and the total."""
    yielding = [f"  {name}: {count}" for name, count in counts.items() if count]
    return "\n".join(
        [
            f"boilerplate-only pages: {len(counts)}, facts found: {sum(counts.values())}",
            *yielding,
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--details", action="store_true", help="list the facts lost and gained")
    parser.add_argument(
        "--only", action="append", choices=tuple(TRANSFORMS), help="this transformation only"
    )
    arguments = parser.parse_args(argv)
    pages = list(development_pages())
    names = arguments.only or tuple(TRANSFORMS)
    scores = score_transforms(pages, {name: TRANSFORMS[name] for name in names})
    print(f"development part of batches 1 to 8: {len(pages)} pages")
    print(format_scores(scores))
    print()
    print(format_boilerplate(score_boilerplate()))
    if arguments.details:
        print()
        print(format_changes(scores))


if __name__ == "__main__":
    main()
