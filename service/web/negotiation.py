"""Content negotiation for GraphQL over HTTP: which response media type the client accepts.

``application/graphql-response+json`` (status codes say whether the request was valid) is
chosen unless the client prefers plain ``application/json`` (always 200 for a well-formed
request, as legacy clients expect). A missing ``Accept`` or a bare wildcard gets the former,
as the GraphQL-over-HTTP specification allows since 2025.
"""

from __future__ import annotations

from service.web.header_memo import kept_per_text

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media: str) -> tuple[float, int]:
    """The quality the client gives ``media``, and how specific the matching range was."""
    kind = media.split("/", 1)[0]
    best: tuple[float, int] = (0.0, -1)
    for candidate, quality in ranges:
        if candidate == media:
            specificity = 2
        elif candidate == f"{kind}/*":
            specificity = 1
        elif candidate == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


@kept_per_text
def choose_response_type(accept: str | None) -> str | None:
    """The media type to answer with, or None when the client accepts neither (406); kept per
    header text (``service.web.header_memo``: every request asks)."""
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE
    ranges = _ranges(accept)
    graphql, json = _quality(ranges, GRAPHQL_RESPONSE), _quality(ranges, JSON)
    if graphql[0] <= 0 and json[0] <= 0:
        return None
    # Higher quality wins; at equal quality the more explicit mention; then the newer type.
    return GRAPHQL_RESPONSE if graphql >= json else JSON


def prefers_html(accept: str | None) -> bool:
    """Whether a browser is asking for a page (GraphiQL) rather than a GraphQL response."""
    if not accept:
        return False
    ranges = _ranges(accept)
    html = _quality(ranges, HTML)
    return (
        html[1] == 2
        and html[0] > 0
        and html >= max(_quality(ranges, GRAPHQL_RESPONSE), _quality(ranges, JSON))
    )
