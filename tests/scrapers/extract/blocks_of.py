"""Blocks of a small HTML snippet, read as the pipeline reads a page."""

from __future__ import annotations

from scrapers.extract.blocks import TextBlock, read_blocks
from scrapers.extract.dom import body_of, parse_html, remove_noise, select_main
from scrapers.extract.reduce import is_furniture


def blocks_of(body: str) -> list[TextBlock]:
    root = parse_html(f"<html><body>{body}</body></html>")
    remove_noise(root, also=is_furniture)
    return read_blocks(body_of(root), select_main(root))
