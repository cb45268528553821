"""Which documents may read the visit log (runs, checks, link health), and so skip the cache."""

from __future__ import annotations

import pytest

from service.web.volatile import reads_visit_log


@pytest.mark.parametrize(
    "query",
    [
        "{ syncRuns(last: 1) { status } }",
        "{ syncRunsConnection(last: 5) { totalCount } }",
        '{ school(slug: "aalto") { links { health { status } } } }',
        '{ school(slug: "aalto") { links { recent: checks(last: 2) { checkedAt } } } }',
        '{ school(slug: "aalto") { links { checksConnection { totalCount } } } }',
        '{ node(id: "U3luY1J1bjox") { ... on SyncRun { status } } }',
        'query { nodes(ids: ["x"]) { ...Run } } fragment Run on LinkHealth { status }',
    ],
)
def test_a_document_reading_the_visit_log_is_recognised(query: str) -> None:
    assert reads_visit_log(query)


@pytest.mark.parametrize(
    "query",
    [
        '{ school(slug: "aalto") { slug name links { url role } } }',
        "{ countries { code schools { slug healthCare: name } } }",
        "{ schoolsConnection(first: 5) { totalCount } }",
    ],
)
def test_a_catalogue_document_is_not(query: str) -> None:
    assert not reads_visit_log(query)
