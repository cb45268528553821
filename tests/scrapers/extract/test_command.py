"""``mobility extract FILE``, run as a user runs it: offline, nothing stored."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scrapers.extract.command import decode_page
from service.errors import UserError
from tests.in_process import run_main
from tests.scrapers.extract.fixture_pages import PAGES, page_urls


def _mobility(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd)


def test_extract_prints_what_the_adapter_of_the_url_finds(tmp_path: Path) -> None:
    page = PAGES / "aalto-incoming-exchange-en.html"
    result = _mobility("extract", str(page), "--url", page_urls()[page.stem], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(adapter aalto, fetched " in result.stdout.splitlines()[0]
    assert "    application/autumn: 2025-04-15" in result.stdout
    assert not (tmp_path / "var").exists()  # no database was created


def test_extract_json_without_a_url_uses_the_file_address(tmp_path: Path) -> None:
    page = PAGES / "unical-incoming-students-it.html"
    result = _mobility("extract", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["url"], data["adapter"]) == (page.resolve().as_uri(), "generic")
    assert {"nomination/autumn", "application/spring"} <= {
        fact["key"] for fact in data["facts"] if fact["field"] == "deadline"
    }


def test_extract_of_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = _mobility("extract", "nowhere.html", cwd=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Échange".encode("utf-8-sig"), "Échange"),
        ("Échange".encode(), "Échange"),
        (
            b'<meta charset="iso-8859-1"><p>\xc9change \x80</p>',
            '<meta charset="iso-8859-1"><p>Échange €</p>',
        ),
        (b"<p>\xe9t\xe9</p>", "<p>été</p>"),
    ],
)
def test_saved_pages_are_decoded_as_a_browser_would(raw: bytes, text: str) -> None:
    assert decode_page(raw) == text


def test_an_unknown_declared_charset_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown character set 'klingon'"):
        decode_page(b'<meta charset="klingon"><p>\xff\xfe</p>')
