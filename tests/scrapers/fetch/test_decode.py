"""Decoding by the browser rules, and text that can always be stored."""

from __future__ import annotations

import pytest

from scrapers.fetch.charsets import codec_for_label
from scrapers.fetch.decode import decode_html, prescan_meta
from service.text import sanitize_text

TEXT = "Date limite : 15 mars \u2013 frais d\u2019inscription 0 \u20ac"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ('"utf-8"', "utf-8"),
        ("UTF8", "utf-8"),
        ("iso-8859-9", "cp1254"),
        ("gb2312", "gb18030"),
        ("shift_jis", "cp932"),
        ("utf-7", None),
        ("replacement", None),
        ("no-such-charset", None),
    ],
)
def test_labels_are_read_as_browsers_read_them(label: str, codec: str | None) -> None:
    assert codec_for_label(label) == codec


def test_latin_1_declared_windows_1252_bytes_decode_without_control_characters() -> None:
    decoded = decode_html(TEXT.encode("cp1252"), "text/html; charset=ISO-8859-1")
    assert (decoded.text, decoded.encoding, decoded.source) == (TEXT, "windows-1252", "header")


def test_a_byte_order_mark_beats_the_header() -> None:
    decoded = decode_html(b"\xef\xbb\xbf" + TEXT.encode(), "text/html; charset=iso-8859-1")
    assert (decoded.text, decoded.encoding, decoded.source) == (TEXT, "UTF-8", "bom")


def test_a_utf_16_byte_order_mark_is_honoured() -> None:
    decoded = decode_html(b"\xff\xfe" + TEXT.encode("utf-16-le"), None)
    assert (decoded.text, decoded.encoding) == (TEXT, "UTF-16LE")


def test_the_header_beats_a_meta() -> None:
    body = b'<meta charset="utf-8">' + TEXT.encode("cp1252")
    decoded = decode_html(body, "text/html; charset=windows-1252")
    assert decoded.text.endswith(TEXT)
    assert decoded.source == "header"


@pytest.mark.parametrize(
    "meta",
    [
        b'<meta charset="windows-1252">',
        b"<META CHARSET=windows-1252>",
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        b"<meta content='text/html;charset=iso-8859-1' http-equiv=content-type>",
    ],
)
def test_a_meta_declares_the_encoding_when_the_header_does_not(meta: bytes) -> None:
    decoded = decode_html(b"<head>" + meta + b"</head>" + TEXT.encode("cp1252"), "text/html")
    assert decoded.text.endswith(TEXT)
    assert (decoded.encoding, decoded.source) == ("windows-1252", "meta")


def test_a_meta_inside_a_comment_or_past_1024_bytes_is_ignored() -> None:
    assert prescan_meta(b"<!-- <meta charset=koi8-r> -->") is None
    assert prescan_meta(b" " * 1024 + b"<meta charset=koi8-r>") is None
    assert prescan_meta(b"<meta charset=koi8-r>") == "koi8-r"


def test_a_meta_declaring_utf_16_means_utf_8() -> None:
    decoded = decode_html(b"<meta charset=utf-16>" + TEXT.encode(), None)
    assert (decoded.encoding, decoded.source) == ("UTF-8", "meta")


@pytest.mark.parametrize(
    ("body", "encoding"),
    [(TEXT.encode(), "UTF-8"), (TEXT.encode("cp1252"), "windows-1252")],
)
def test_without_any_declaration_the_encoding_is_detected(body: bytes, encoding: str) -> None:
    decoded = decode_html(body, "text/html")
    assert (decoded.text, decoded.encoding, decoded.source) == (TEXT, encoding, "detected")


def test_a_wrong_declaration_gives_way_to_detection() -> None:
    decoded = decode_html(TEXT.encode("cp1252"), "text/html; charset=utf-8")
    assert (decoded.text, decoded.encoding, decoded.source) == (TEXT, "windows-1252", "detected")
    assert decoded.overridden == "UTF-8"


def test_undecodable_bytes_and_controls_are_removed_and_counted() -> None:
    # 0x81 is undefined in windows-1252; NUL would be refused by PostgreSQL.
    decoded = decode_html(b"a\x81b\x00c\x1bd", None)
    assert (decoded.text, decoded.removed) == ("abcd", 3)


def test_sanitize_keeps_white_space_and_removes_c1_and_replacement_characters() -> None:
    assert sanitize_text("a\tb\nc\r\x0cd\x85e\x9ff\ufffdg") == ("a\tb\nc\r\x0cdefg", 3)
