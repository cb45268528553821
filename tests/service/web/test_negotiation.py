"""Which media type a client gets, from its Accept header."""

from __future__ import annotations

import pytest

from service.web.negotiation import GRAPHQL_RESPONSE, JSON, choose_response_type, prefers_html


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, GRAPHQL_RESPONSE),
        ("", GRAPHQL_RESPONSE),
        ("*/*", GRAPHQL_RESPONSE),
        ("application/*", GRAPHQL_RESPONSE),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json;q=0.9", JSON),
        ("application/json;q=0.5, */*;q=0.1", JSON),
        ("application/graphql-response+json; charset=utf-8, multipart/mixed", GRAPHQL_RESPONSE),
        ("APPLICATION/JSON", JSON),
        ("text/html", None),
        ("application/json;q=0, text/plain", None),
        ("application/xml, */*;q=0", None),
    ],
)
def test_the_response_type_follows_the_accept_header(
    accept: str | None, chosen: str | None
) -> None:
    assert choose_response_type(accept) == chosen


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        ("application/graphql-response+json, application/json, multipart/mixed", False),
        ("*/*", False),
        (None, False),
        ("application/json, text/html;q=0.5", False),
    ],
)
def test_browsers_are_told_apart_from_graphql_clients(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html
