"""The development set that looks like the web, and how ``bench.devset`` scores it."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bench.devset import DEVSET, MEASURED, format_devset, score_devset
from service.catalogue.fields import FactField

_ARITY = {"deadline": 4, "language_requirement": 3, "credits": 5, "email": 2}


def _pages() -> list[dict[str, object]]:
    pages: list[dict[str, object]] = json.loads(DEVSET.read_text(encoding="utf-8"))["pages"]
    return pages


def test_the_set_has_225_pages_in_three_languages_with_a_fixed_held_out_third() -> None:
    pages = _pages()
    assert len(pages) == 225
    assert Counter(str(page["language"]) for page in pages) == {"fr": 77, "en": 76, "it": 72}
    held_out = [index for index, page in enumerate(pages) if page["held_out"]]
    assert held_out == list(range(2, 225, 3))
    assert [page.get("batch", 1) for page in pages] == (
        [1] * 45
        + [2] * 36
        + [3] * 18
        + [4] * 18
        + [5] * 18
        + [6] * 18
        + [7] * 18
        + [8] * 18
        + [9] * 18
        + [10] * 18
    )
    assert all((DEVSET.parent / str(page["file"])).is_file() for page in pages)


def test_every_label_is_a_typed_fact_of_a_measured_field() -> None:
    measured = {fact_field.value for fact_field in MEASURED}
    for page in _pages():
        facts = page["facts"]
        assert isinstance(facts, list)
        for fact in facts:
            assert fact[0] in measured, (page["file"], fact)
            assert fact[0] == "duration" or len(fact) == _ARITY[fact[0]], (page["file"], fact)


def test_pages_with_no_facts_at_all_are_part_of_the_set() -> None:
    empty = [page["file"] for page in _pages() if not page["facts"]]
    assert len(empty) == 47


def test_the_second_batch_holds_ten_held_out_instances_of_every_fact_type() -> None:
    counts = Counter(
        fact[0]
        for page in _pages()
        if page.get("batch") == 2 and page["held_out"]
        for fact in page["facts"]  # type: ignore[attr-defined]
    )
    assert all(counts[fact_field.value] >= 10 for fact_field in MEASURED), counts


@pytest.mark.parametrize("batch_number", [3, 4, 5, 6, 7, 8, 9, 10])
def test_a_later_batch_holds_pages_of_every_language_and_fact_less_pages_in_both_parts(
    batch_number: int,
) -> None:
    batch = [page for page in _pages() if page.get("batch") == batch_number]
    assert Counter(str(page["language"]) for page in batch) == {"fr": 6, "en": 6, "it": 6}
    held_out = [page for page in batch if page["held_out"]]
    assert Counter(str(page["language"]) for page in held_out) == {"fr": 2, "en": 2, "it": 2}
    assert sum(not page["facts"] for page in batch) >= 3
    assert any(not page["facts"] for page in held_out)


def _one_page_labels(tmp_path: Path, *, held_out: bool, facts: list[list[str]]) -> Path:
    """A labels file beside a copy of en12, labelled with ``facts`` only."""
    page = "en12-uni-q-semester-columns.html"
    shutil.copy(DEVSET.parent / page, tmp_path / page)
    labels = {
        "pages": [
            {
                "file": page,
                "url": "https://www.uni-q.edu/uni-q-semester-columns",
                "held_out": held_out,
                "facts": facts,
            }
        ]
    }
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels), encoding="utf-8")
    return path


def test_a_wrong_date_is_a_false_positive_and_a_false_negative(tmp_path: Path) -> None:
    facts = [["email", "inbound@uni-q.edu"], ["email", "nobody@uni-q.edu"]]
    score = score_devset(_one_page_labels(tmp_path, held_out=False, facts=facts))
    emails = score.tallies[FactField.EMAIL]
    assert (emails.true_positives, emails.false_positives, emails.false_negatives) == (1, 0, 1)
    assert score.tallies[FactField.DEADLINE].true_positives == 0
    assert score.tallies[FactField.DEADLINE].precision == 0.0  # found, never labelled
    assert ("en12-uni-q-semester-columns.html", "missed", ("email", "nobody@uni-q.edu")) in (
        score.misses
    )


def test_a_held_out_pages_mismatches_are_counted_but_listed_only_when_spoiling_is_asked(
    tmp_path: Path,
) -> None:
    page = "en12-uni-q-semester-columns.html"
    facts = [["email", "nobody@uni-q.edu"]]
    score = score_devset(_one_page_labels(tmp_path, held_out=True, facts=facts))
    assert score.tallies[FactField.EMAIL].false_negatives == 1
    assert score.misses == []
    assert (page, "missed", ("email", "nobody@uni-q.edu")) in score.held_out_misses
    assert page not in format_devset(score)
    assert "held-out pages: " in format_devset(score)
    assert f"  {page} (" in format_devset(score, spoil_held_out=True)


#: Floors set from the measurement when the set was added (``python -m bench.extraction_quality``,
#: docs/benchmarks.md): a drop below them is a regression. On 2026-12-02 (81 pages) the held-out
#: third was at 0.93 or above for every type, and the held-out third of batch 2 alone at 0.88
#: or above (language requirements' recall).
#: Batch 3 (18 pages) brought the held-out third's credits down to 0.85 / 0.85 before any rule
#: was tuned on it; batch 4 (18 pages of statistics and side boxes) to 0.73 / 0.76, and the
#: development part's credits to 0.77 and its e-mails' precision to 0.79. After the rules of
#: round 23 (decisions 0260, 0261) every type is at 0.93 or above on both parts.
#: Batch 5 (round 24, 18 pages written and scored blind, no rule changed) brought the held-out
#: third's credits recall to 0.84 and its durations' precision to 0.87; the floor of the
#: held-out recall is 0.80 until a round tunes rules on batch 5's development part.
#: Round 25 tuned on the development part of batches 1 to 5 (decisions 0310, 0311): every type
#: at 0.99 or above there; its floor is 0.90, leaving room for a blind batch's development part.
#: Batch 6 (round 25, 18 pages written and scored blind on main 68e7768, again on ee270d1)
#: would bring the held-out third's durations' precision to 0.82 (floor 0.85) and the
#: development part's credits recall to 0.89 (floor 0.90): the floors stay those of the part
#: they were set on (batches 1 to 5), and batch 6's held-out third has a floor of its own, its
#: blind worst (durations, 0.50 / 0.40). Its development part is scored, not floored, until a
#: round tunes rules on it.
#: Batch 7 (round 26, 18 pages written and scored blind on main ac3d00d) is kept out of the
#: floors above in the same way: its held-out third would bring the whole held-out part's
#: credits recall to 0.76 and its durations' precision to 0.82; its held-out third has a floor
#: of its own at its blind worst (precision: e-mails, 0.62; recall: credits, 0.33), and its
#: development part is scored, not floored, until a round tunes rules on it.
#: Round 26 tuned on batch 6's development part (decision 0326): every type at 1.00 there, so
#: the development part's floor holds on batches 1 to 6; batch 6's held-out six, never tuned
#: on, keep their blind floor below and stay out of the held-out floor above.
#: Batch 8 (round 27, 18 pages written and scored blind on main 912eb31) is kept out in the same
#: way: its held-out third would bring the whole held-out part's deadlines to 0.90 / 0.89 and
#: its credits recall to 0.79; its held-out third has a floor of its own just below its blind
#: worst (e-mails, 0.40 / 0.40), and its development part is scored, not floored.
#: Round 27 tuned on batch 7's development part (decision 0350): every type at 1.00 on the
#: development part of batches 1 to 7, so its floor holds on all seven; batch 7's held-out six,
#: never tuned on, keep their blind floor below, as batch 6's do.
#: Round 27 tuned on batch 8's development part too (decision 0380): every type at 1.00 on the
#: development part of batches 1 to 8, so its floor holds on all eight; batch 8's held-out six,
#: never tuned on, keep their blind floor below, as batches 6's and 7's do.
#: Batch 9 (round 28, 18 pages written and scored blind on main bf5d7dd) is kept out in the same
#: way: its held-out third would bring the whole held-out part's credits to 0.85 / 0.75 and its
#: deadlines' recall to 0.85; its held-out third has a floor of its own just below its blind
#: worst (precision: credits, 0.43; recall: credits, 0.43), and its development part is scored,
#: not floored, until a round tunes rules on it.
#: Batch 10 (round 28, 18 pages written and scored blind on main bf5d7dd) is kept out in the
#: same way: its held-out third would bring the whole held-out part's credits recall to 0.77 and
#: its e-mails' precision to 0.87; its held-out third has a floor of its own just below its
#: blind worst (precision: e-mails, 0.71; recall: credits, 0.60), and its development part is
#: scored, not floored, until a round tunes rules on it (decision 0393).
#: Round 28 tuned on batch 9's development part (decisions 0405, 0415 to 0417): every type at
#: 1.00, so the development floor holds on batches 1 to 9; batch 10's development part is still
#: scored, not floored (its deadlines 0.96 / 0.79 after decision 0405: it72's dates stand in
#: cards the reducer drops as teasers, en74's nominations in images' alt texts).
FLOORS = {False: (0.9, 0.9), True: (0.85, 0.8)}
#: The batches the floors above hold on.
FLOORED_BATCHES = {False: (1, 2, 3, 4, 5, 6, 7, 8, 9), True: (1, 2, 3, 4, 5)}
#: The batches written and scored blind (round 25: 6, round 26: 7, round 27: 8, round 28: 9 and
#: 10), and the floor (precision, recall, every type) of each one's held-out third, set at or
#: just below its blind worst.
BLIND_FLOORS = {
    6: (0.5, 0.4),
    7: (0.62, 0.33),
    8: (0.39, 0.39),
    9: (0.42, 0.42),
    10: (0.7, 0.59),
}


def test_the_held_out_third_of_the_second_batch_stays_above_its_floor() -> None:
    score = score_devset(held_out=True, batch=2)
    report = format_devset(score)
    for tally in score.tallies.values():
        assert tally.precision >= 0.85, report
        assert tally.recall >= 0.85, report


@pytest.mark.parametrize("held_out", [False, True], ids=["development-part", "held-out-third"])
def test_precision_and_recall_per_fact_type_stay_above_the_floor(held_out: bool) -> None:
    score = score_devset(held_out=held_out, batches=FLOORED_BATCHES[held_out])
    report = format_devset(score)
    precision_floor, recall_floor = FLOORS[held_out]
    for tally in score.tallies.values():
        assert tally.precision >= precision_floor, report
        assert tally.recall >= recall_floor, report


@pytest.mark.parametrize("batch", sorted(BLIND_FLOORS))
def test_the_held_out_third_of_a_blind_batch_stays_above_its_own_floor(batch: int) -> None:
    score = score_devset(held_out=True, batch=batch)
    report = format_devset(score)
    precision_floor, recall_floor = BLIND_FLOORS[batch]
    assert score.pages == 6, report
    for tally in score.tallies.values():
        assert tally.precision >= precision_floor, report
        assert tally.recall >= recall_floor, report


#: Facts found on the pages labelled with none, per batch: at most these. Batch 5 was scored
#: blind (round 24) with 5; round 25's side columns and fact-less pages (decision 0310) took its
#: development part's two (en42's press office, en45's footer) away: 3 remain, held out.
#: Batch 6 was scored blind (round 25) with 6, all on its development part: the housing page
#: fr49 yields a room-request date and so keeps its footer's address, the figures page fr51 a
#: statistic's level and its footer's address, the arrival page en50 two other offices'
#: addresses from a side column named ``side``.
#: Batch 7 was scored blind (round 26, main ac3d00d) with 3, all on its held-out fact-less page
#: (its three development fact-less pages, housing, a home page and a news list, yield none).
#: Round 26 (decision 0326): batch 6's development pages yield none (fr49's CROUS date, fr51's
#: statistic and en50's `side` column are gone), batch 5's held-out part 2 (3 before).
#: Batch 8 was scored blind (round 27, main 912eb31) with 12, all on its development part: the
#: outgoing students' page fr64 yields its partners' levels, its 30 ECTS, its stays and its
#: office's address, the agenda it58 an outgoing call's, a summer school's and a course's levels
#: and its footer's address, the course list it57 a course's level; the held-out form yields none.
#: Round 27 (decision 0380): none on batch 8's development fact-less pages (the outgoing page
#: and the agenda's outgoing call and summer school are not read, the courses' levels are the
#: courses'), none on its held-out one.
#: Batch 9 was scored blind (round 28, main bf5d7dd) with 3, all on its development part: the
#: library page it62 a training workshop's credits and its two desks' addresses; the contact
#: form, the press releases and the held-out events calendar yield none.
#: Batch 10 was scored blind (round 28, main bf5d7dd) with 20: 18 on its development part (the
#: job offers' page it69 8: its posts' closing dates, their levels and the personnel office's
#: address; the "study with us" page fr75 6: the degree admissions' date, a TOEIC target, the
#: French courses' levels and two addresses; the student association it70 4: a volunteers' call,
#: the tandem's levels and its address) and 2 on its held-out one.
#: Round 28's tuning (decisions 0405, 0415 to 0417): batch 9 3 → 0, batch 10 20 → 2 (none on
#: its development part since fr75's degree admissions' date is no deadline, decision 0405; 2
#: on its held-out one).
_FACTS_ON_EMPTY_PAGES = {1: 0, 2: 0, 3: 0, 4: 0, 5: 2, 6: 0, 7: 3, 8: 0, 9: 0, 10: 2}


@pytest.mark.parametrize("batch", sorted(_FACTS_ON_EMPTY_PAGES))
def test_pages_of_boilerplate_alone_yield_no_fact_not_even_their_footers_address(
    batch: int,
) -> None:
    # A footer's address is dropped on a page with no fact of its own (decision 0181), and the
    # credits a box of figures quotes are a statistic, not a fact of the page (decision 0261):
    # batch 4's fr37, it33, en37, en40 yield nothing, as do batches 1 to 4's held-out ones.
    assert score_devset(batch=batch).facts_on_empty_pages <= _FACTS_ON_EMPTY_PAGES[batch]
