"""An in-memory search index over folded words, rebuilt when the data version changes.

Matching is word by word on ``service.text.fold``-ed text, so accents and case never matter:
every query word must match a word of the text, either as a prefix (search as you type:
"ensi" finds ENSIMAG) or, for words of four letters or more, within one or two typing mistakes
(rapidfuzz's optimal string alignment distance over the vocabulary, where swapping two letters
is one mistake: "finlnde" finds Finlande, "ensimga" finds ENSIMAG).
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from service.catalogue.search_documents import SearchDocument, SearchField, SearchTarget
from service.text import fold

_WORD = re.compile(r"[a-z0-9]+")

#: How much a match on each field counts: a country or a school's own name first.
_FIELD_WEIGHT = {
    SearchField.NAME: 1.0,
    SearchField.SHORT_NAME: 1.0,
    SearchField.COUNTRY_NAME_FR: 1.0,
    SearchField.COUNTRY_NAME_EN: 1.0,
    SearchField.CITY: 0.85,
    SearchField.PARENT_NAME: 0.75,
}
#: Among equal scores, countries, then schools, then programmes.
_TARGET_RANK = {SearchTarget.COUNTRY: 0, SearchTarget.SCHOOL: 1, SearchTarget.PROGRAMME: 2}

MIN_QUERY_LENGTH = 2
_MIN_TYPO_LENGTH = 4


@dataclass(frozen=True, slots=True)
class SearchHitRecord:
    """The best match for one target: the text that matched and a score in (0, 1]."""

    target: SearchTarget
    key: int | str
    field: SearchField
    text: str
    score: float


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _max_typos(word: str) -> int:
    return 1 if len(word) < 8 else 2


class SearchIndex:
    """Documents by folded word, with a sorted vocabulary for prefix and typo lookups."""

    def __init__(self, documents: Sequence[SearchDocument]) -> None:
        self._documents = list(documents)
        self._folded = [" ".join(_words(document.text)) for document in self._documents]
        self._labels = [fold(document.label) for document in self._documents]
        postings: dict[str, list[int]] = {}
        for number, folded in enumerate(self._folded):
            for word in set(folded.split()):
                postings.setdefault(word, []).append(number)
        self._postings = postings
        self._vocabulary = sorted(postings)

    def _word_scores(self, word: str) -> dict[int, float]:
        """Each document matching ``word``, with how well: 1 exact, less for a prefix or typo."""
        scores: dict[int, float] = {}

        def add(vocabulary_word: str, score: float) -> None:
            for number in self._postings[vocabulary_word]:
                if scores.get(number, 0.0) < score:
                    scores[number] = score

        start = bisect.bisect_left(self._vocabulary, word)
        for vocabulary_word in self._vocabulary[start:]:
            if not vocabulary_word.startswith(word):
                break
            exact = vocabulary_word == word
            add(vocabulary_word, 1.0 if exact else 0.7 + 0.2 * len(word) / len(vocabulary_word))
        if len(word) >= _MIN_TYPO_LENGTH:
            typos = process.extract(
                word,
                self._vocabulary,
                scorer=OSA.distance,
                score_cutoff=_max_typos(word),
                limit=None,
            )
            for vocabulary_word, distance, _ in typos:
                if distance:
                    add(vocabulary_word, 0.75 - 0.1 * distance)
        return scores

    def search(self, text: str, *, limit: int) -> list[SearchHitRecord]:
        """The best ``limit`` hits for ``text``, best first; none for fewer than two letters."""
        words = _words(text)
        if sum(map(len, words)) < MIN_QUERY_LENGTH:
            return []
        combined: dict[int, float] | None = None
        for word in dict.fromkeys(words):
            scores = self._word_scores(word)
            if combined is None:
                combined = scores
            else:
                combined = {n: s + scores[n] for n, s in combined.items() if n in scores}
            if not combined:
                return []
        assert combined is not None
        whole = " ".join(words)
        best: dict[tuple[SearchTarget, int | str], tuple[float, int]] = {}
        for number, total in combined.items():
            document = self._documents[number]
            matched = 1.0 if self._folded[number] == whole else total / len(words) * 0.95
            score = round(matched * _FIELD_WEIGHT[document.field], 4)
            identity = (document.target, document.key)
            if identity not in best or best[identity][0] < score:
                best[identity] = (score, number)
        ranked = heapq.nsmallest(
            limit,
            best.values(),
            key=lambda hit: (
                -hit[0],
                _TARGET_RANK[self._documents[hit[1]].target],
                self._labels[hit[1]],
                str(self._documents[hit[1]].key),
            ),
        )
        return [self._hit(number, score) for score, number in ranked]

    def _hit(self, number: int, score: float) -> SearchHitRecord:
        document = self._documents[number]
        return SearchHitRecord(document.target, document.key, document.field, document.text, score)


class SearchIndexCache:
    """The index for the newest data version seen, built once per version.

    Building the index of a large catalogue takes a while (about 0.4 s of CPU for 10,000
    schools): it runs in a worker thread, so the event loop keeps answering other requests, and
    in a task that outlives the request that started it, so a request stopped at its deadline
    does not throw the work away and make the next request start again.
    """

    def __init__(self) -> None:
        self._version: int | None = None
        self._index: SearchIndex | None = None
        self._building: tuple[int, asyncio.Future[SearchIndex]] | None = None
        self._lock = asyncio.Lock()

    async def index_for(
        self, version: int, load: Callable[[], Awaitable[Sequence[SearchDocument]]]
    ) -> SearchIndex:
        """The index of ``version``, built from ``load()`` unless it is already there."""
        if self._index is not None and self._version == version:
            return self._index
        async with self._lock:
            if self._index is not None and self._version == version:
                return self._index
            if self._building is None or self._building[0] != version:
                # The documents are read in the caller's snapshot (quick); the build is not.
                documents = await load()
                build = asyncio.ensure_future(asyncio.to_thread(SearchIndex, documents))
                build.add_done_callback(lambda task: self._keep(version, task))
                self._building = (version, build)
            task = self._building[1]
        return await asyncio.shield(task)

    def _keep(self, version: int, task: asyncio.Future[SearchIndex]) -> None:
        if self._building is not None and self._building[1] is task:
            self._building = None
        if task.cancelled() or task.exception() is not None:
            return
        # A request that read an older version must not replace a newer index.
        if self._version is None or version >= self._version:
            self._version, self._index = version, task.result()
