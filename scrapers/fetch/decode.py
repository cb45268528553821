"""Bytes of an HTML page to text, by the browsers' rules, and text we can store.

The encoding comes from, in order: a byte-order mark; the ``charset`` of the Content-Type
header; a ``<meta charset>`` (or ``http-equiv``) in the first 1024 bytes; detection. Labels are
read as browsers read them (:mod:`scrapers.fetch.charsets`: latin-1 means windows-1252).
Detection is what a browser does for a Western page: UTF-8 when the bytes are valid UTF-8,
windows-1252 otherwise. A declared encoding the bytes do not decode in is a wrong declaration:
detection decides instead, and the page records which.

Whatever happens, the text returned holds no U+FFFD, no C1 control characters and no C0 controls
other than tab, line feed, form feed and carriage return (PostgreSQL refuses NUL): they are
removed, and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scrapers.fetch.charsets import codec_for_label, display_name
from service.text import sanitize_text

EncodingSource = Literal["bom", "header", "meta", "detected"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?([^\s"';>]+)""", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.DOTALL)
_META = re.compile(rb"<meta[\s/]([^>]*)>?", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")

#: How many bytes the <meta> prescan looks at (the WHATWG prescan limit).
PRESCAN_BYTES = 1024


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Decoded page text and how its encoding was chosen."""

    text: str
    #: The encoding used, by its WHATWG name (``UTF-8``, ``windows-1252``, …).
    encoding: str
    source: EncodingSource
    #: A declared encoding the bytes did not decode in, when detection overrode it.
    overridden: str | None = None
    #: Characters removed because they cannot be stored (undecodable bytes, controls).
    removed: int = 0


def charset_of_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
    return match.group(1).decode("ascii", "replace") if match else None


def prescan_meta(body: bytes) -> str | None:
    """The charset label a ``<meta>`` declares in the first 1024 bytes, if any."""
    head = _COMMENT.sub(b"", body[:PRESCAN_BYTES])
    for meta in _META.finditer(head):
        attributes: dict[bytes, bytes] = {}
        for name, value in _ATTRIBUTE.findall(meta.group(1)):
            attributes.setdefault(name.lower(), value.strip(b"\"'"))
        if b"charset" in attributes:
            return attributes[b"charset"].decode("ascii", "replace")
        if attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET_PARAM.search(attributes.get(b"content", b""))
            if found:
                return found.group(1).decode("ascii", "replace")
    return None


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _decoded(
    body: bytes, codec: str, source: EncodingSource, overridden: str | None = None
) -> DecodedText:
    text, removed = sanitize_text(body.decode(codec, errors="replace"))
    return DecodedText(text, display_name(codec), source, overridden, removed)


def _declared_encoding(body: bytes, content_type: str | None) -> tuple[str, EncodingSource] | None:
    header_label = charset_of_content_type(content_type)
    header_codec = codec_for_label(header_label) if header_label else None
    if header_codec is not None:
        return header_codec, "header"
    meta_label = prescan_meta(body)
    meta_codec = codec_for_label(meta_label) if meta_label else None
    if meta_codec is None:
        return None
    # A <meta> cannot declare UTF-16: the bytes it is written in are ASCII-compatible.
    return ("utf-8" if meta_codec.startswith("utf-16") else meta_codec), "meta"


def decode_html(body: bytes, content_type: str | None) -> DecodedText:
    """Decode an HTML body by the browser rules (see the module docstring)."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return _decoded(body[len(bom) :], bom_codec, "bom")
    declared = _declared_encoding(body, content_type)
    if declared is not None:
        codec, source = declared
        try:
            strict = body.decode(codec)
        except UnicodeDecodeError:
            return _decoded(body, _detect(body), "detected", overridden=display_name(codec))
        text, removed = sanitize_text(strict)
        return DecodedText(text, display_name(codec), source, removed=removed)
    return _decoded(body, _detect(body), "detected")
