"""Blocks of a small HTML snippet, read as the pipeline reads a page."""

from __future__ import annotations

from scrapers.extract.blocks import TextBlock, read_blocks
from scrapers.extract.dom import parse_html, remove_noise, select_main
from scrapers.extract.reduce import is_furniture


def blocks_of(body: str) -> list[TextBlock]:
    soup = parse_html(f"<html><body>{body}</body></html>")
    remove_noise(soup, also=is_furniture)
    assert soup.body is not None
    return read_blocks(soup.body, select_main(soup))
