"""The in-memory search index and its per-version cache (no database needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from service.catalogue.search_documents import SearchDocument, SearchField, SearchTarget
from service.catalogue.search_index import SearchIndex, SearchIndexCache

DOCUMENTS = [
    SearchDocument(SearchTarget.SCHOOL, 1, SearchField.NAME, "Ensimag", "Ensimag"),
    SearchDocument(SearchTarget.SCHOOL, 1, SearchField.PARENT_NAME, "Grenoble INP", "Ensimag"),
    SearchDocument(SearchTarget.SCHOOL, 2, SearchField.NAME, "École des Mines", "École des Mines"),
    SearchDocument(SearchTarget.SCHOOL, 2, SearchField.CITY, "Saint-Étienne", "École des Mines"),
    SearchDocument(SearchTarget.COUNTRY, "FR", SearchField.COUNTRY_NAME_FR, "France", "France"),
]


def _hits(index: SearchIndex, text: str) -> list[tuple[str, int | str, str, float]]:
    return [
        (hit.target.value, hit.key, hit.field.value, hit.score)
        for hit in index.search(text, limit=10)
    ]


def test_every_word_must_match_and_the_best_field_counts() -> None:
    index = SearchIndex(DOCUMENTS)
    assert _hits(index, "mines saint") == []
    assert _hits(index, "ecole mines") == [("SCHOOL", 2, "NAME", 0.95)]
    assert _hits(index, "école des mines") == [("SCHOOL", 2, "NAME", 1.0)]
    assert _hits(index, "etienne") == [("SCHOOL", 2, "CITY", 0.8075)]


def test_prefixes_score_below_whole_words_and_typos_below_prefixes() -> None:
    index = SearchIndex(DOCUMENTS)
    [(_, _, _, whole)] = _hits(index, "ensimag")
    [(_, _, _, prefix)] = _hits(index, "ensima")
    [(_, _, _, typo)] = _hits(index, "ensimga")
    assert whole == 1.0
    assert typo < prefix < whole


def test_short_words_are_not_matched_with_typos() -> None:
    index = SearchIndex(DOCUMENTS)
    assert _hits(index, "frx") == []
    assert _hits(index, "frnce") == [("COUNTRY", "FR", "COUNTRY_NAME_FR", 0.6175)]


async def test_the_index_is_built_once_per_data_version() -> None:
    cache = SearchIndexCache()
    loads: list[int] = []

    def loader(
        version: int, documents: list[SearchDocument]
    ) -> Callable[[], Awaitable[list[SearchDocument]]]:
        async def load() -> list[SearchDocument]:
            loads.append(version)
            return documents

        return load

    first = await cache.index_for(1, loader(1, DOCUMENTS))
    assert await cache.index_for(1, loader(1, [])) is first
    second = await cache.index_for(2, loader(2, DOCUMENTS[:1]))
    assert second is not first
    assert _hits(second, "france") == []
    # A request that started before the change still gets an index, without replacing the new one.
    stale = await cache.index_for(1, loader(1, DOCUMENTS))
    assert _hits(stale, "france") != []
    assert await cache.index_for(2, loader(2, [])) is second
    assert loads == [1, 2, 1]
