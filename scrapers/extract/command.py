"""``mobility extract FILE``: what extraction would find in a saved page, offline.

No network and no database: the page is read from a file and the facts are printed. The URL
(``--url``) chooses the site adapter and resolves relative links, as the page's address would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from scrapers.extract.pipeline import extract_page
from scrapers.extract.report import extraction_as_json, format_extraction
from service.db import utcnow
from service.errors import UserError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def decode_page(raw: bytes) -> str:
    """Decode a saved page: BOM, then UTF-8, then its ``<meta charset>``, then windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096])
    # Browsers read latin-1 labels as windows-1252, its superset.
    encoding = declared.group(1).decode("ascii").lower() if declared else "windows-1252"
    if encoding in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        encoding = "windows-1252"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise UserError(f"unknown character set {encoding!r} declared in the page") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"the page is not valid {encoding}: {exc.reason}") from None


@click.command(name="extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--url",
    default=None,
    help="The address the page was saved from (chooses the site adapter); default: the file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a report.")
def extract_command(file: Path, url: str | None, as_json: bool) -> None:
    """Print what would be extracted from a saved partner page (offline, nothing is stored)."""
    html = decode_page(file.read_bytes())
    extraction = extract_page(html, url or file.resolve().as_uri(), utcnow())
    if as_json:
        click.echo(json.dumps(extraction_as_json(extraction), ensure_ascii=False, indent=2))
    else:
        click.echo(format_extraction(extraction))
