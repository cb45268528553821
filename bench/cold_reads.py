"""The cold read queries the in-process benchmarks answer, each as its request bodies.

``bench.graphql_instructions --query NAME`` counts the instructions (or CPU) of one of them;
``bench.read_answers`` digests their answers and more (cursors, orders) to compare trees.

Identical anonymous cold requests share one execution (decision 0025), so a query without
variables of its own is sent under 21 operation names: the same statement, answered 21 times.
"""

from __future__ import annotations

from bench.api_bench import COUNTRY_PAGE, SEARCH, TYPED
from bench.generate_catalogue import COUNTRIES

#: The node selection of the offer pages (what round 27 measured unfiltered).
_OFFER_NODES = "totalCount nodes { kind places school { slug name } }"
_VARIANTS = 21


def _offer_page(declared: str = "", arguments: str = "") -> str:
    """The first 20 offers, with the operation's variables ``declared`` and ``arguments``."""
    page = f"offersConnection(first: 20{arguments}) {{ {_OFFER_NODES} }}"
    return f"query {{name}}{declared} {{ {page} }}"


_SCHOOL_PAGE = "query {name} { schools(first: 20) { totalCount nodes { slug name city } } }"
_SCHOOLS_WITH_PROGRAMMES = (
    "query {name} { schools(first: 20) { totalCount nodes { slug name "
    "programmes { name offers { kind places academicYear } } } } }"
)
_KINDS = ("EXCHANGE", "DOUBLE_DEGREE", "EXCHANGE_OR_DOUBLE_DEGREE")

#: name → (document, with ``{name}`` where the operation's name goes; the variables cycled).
COLD_QUERIES: dict[str, tuple[str, list[dict[str, object]]]] = {
    "offers page": (_offer_page(), [{}]),
    "offers by places": (_offer_page(arguments=", orderBy: PLACES"), [{}]),
    "offers by track": (
        _offer_page("($track: String)", ", filter: {homeTrack: $track}"),
        [{"track": "ISEM"}, {"track": "IEL"}],
    ),
    "offers by year": (
        _offer_page("($year: String)", ", filter: {academicYear: $year}"),
        [{"year": "2025/2026"}],
    ),
    "offers by kind": (
        _offer_page("($kinds: [OfferKind!])", ", filter: {kinds: $kinds}"),
        [{"kinds": [kind]} for kind in _KINDS],
    ),
    "schools page": (_SCHOOL_PAGE, [{}]),
    "schools with programmes": (_SCHOOLS_WITH_PROGRAMMES, [{}]),
    "search": (SEARCH.replace("query Search", "query {name}"), [{"text": t} for t in TYPED]),
}


def cold_bodies(name: str) -> list[dict[str, object]]:
    """The request bodies of the cold query ``name`` ("country page" or a key of
    ``COLD_QUERIES``), each different from the others."""
    if name == "country page":
        return [
            {"query": COUNTRY_PAGE, "variables": {"codes": [code]}} for code in ("FR", *COUNTRIES)
        ]
    document, variables = COLD_QUERIES[name]
    return [
        {
            "query": document.replace("{name}", f"Cold{index}"),
            "variables": variables[index % len(variables)],
        }
        for index in range(_VARIANTS)
    ]


#: Every name ``cold_bodies`` takes.
COLD_QUERY_NAMES = ("country page", *COLD_QUERIES)
