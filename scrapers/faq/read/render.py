"""Turn any FAQ source into HTML, the one format the walk reads.

Markdown goes through cmark (``cmarkgfm``, GitHub's fork of the CommonMark reference
implementation, in plain CommonMark mode, raw HTML kept): Hugo renders the page with Goldmark, a
CommonMark implementation, so nesting, lazy continuation lines and list interruption are read
the way the published page shows them. cmark tags each block element with its position in the
body (``data-sourcepos="line:column-line:column"``); :attr:`RenderedPart.line_offset` turns
those lines into the page's own, so findings point at the file's lines. HTML sources are
returned unchanged (the HTML parser knows their lines).

A markdown body is rendered in parts of about :data:`PART_SIZE` characters, cut only before a
line that follows a blank line and starts a new block at the margin (not indented, not a list
item or blockquote line that would continue the one above), outside fenced code and raw HTML
blocks, in a page without link reference definitions: there every block of CommonMark has
ended, so the parts render to exactly the HTML of the whole body, and only one part's HTML and
tree are alive at a time (issue 17: memory).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

from scrapers.faq.read.front_matter import read_meta, split_front_matter
from scrapers.faq.read.page import RevisionMeta

#: The attribute cmark writes on block elements: ``"3:1-4:12"``.
POSITION_ATTRIBUTE = "data-sourcepos"
_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml)\b", re.IGNORECASE)
#: Positions on blocks; raw HTML rendered as written (CommonMark's default, and Goldmark's
#: ``unsafe`` setting that Hugo sites use for such pages).
_OPTIONS = Options.CMARK_OPT_SOURCEPOS | Options.CMARK_OPT_UNSAFE
#: Characters of markdown rendered at once (a part grows to the next place it can be cut).
PART_SIZE = 64 * 1024
#: A line that, at the start of a line and after a blank line, cannot continue a block: not
#: indented, not a list item (which would continue the list above), not a blockquote line.
_NOT_A_CUT = re.compile(r"[ \t\r\n>]|[-+*](?:[ \t\r\n]|$)|\d{1,9}[.)](?:[ \t\r\n]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: Raw HTML blocks that go on past a blank line (CommonMark's kinds 1 to 5), and their ends.
_RAW_HTML = (
    (
        re.compile(r"\s*<(?:script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE),
        re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    ),
    (re.compile(r"\s*<!--"), re.compile(r"-->")),
    (re.compile(r"\s*<\?"), re.compile(r"\?>")),
    (re.compile(r"\s*<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"\s*<!\[CDATA\["), re.compile(r"\]\]>")),
)
#: A link reference definition may be used anywhere in the page: such a page is one part.
_REFERENCE = re.compile(r"\]:")
#: Lines as CommonMark counts them (ended by LF, CR or CR LF), line endings kept.
_BLANK = " \t\r\n"
_LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+\Z", re.DOTALL)


#: Bytes of markdown given to cmark at a time, and of HTML given to the HTML parser at a time.
_PIECE = 64 * 1024
#: cmark's functions that cmarkgfm does not declare: freeing a document and a string (cmark
#: allocates with the C library's allocator). ``cmarkgfm.markdown_to_html`` never frees the
#: HTML it returns (20 renders of 1.7 MB grew RSS by 51 MB); the HTML is read from cmark's buffer
#: and freed here.
_CMARK = ctypes.CDLL(_cmark.__file__)
_CMARK.cmark_node_free.argtypes = [ctypes.c_void_p]
_LIBC = ctypes.CDLL(None)
_LIBC.free.argtypes = [ctypes.c_void_p]
_LIBC.strlen.argtypes = [ctypes.c_void_p]
_LIBC.strlen.restype = ctypes.c_size_t


def _address(pointer: object) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def render_markdown(body: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The HTML of ``body[start:end]`` (markdown without front matter), UTF-8, in pieces of at
    most 64 KB.

    Neither the markdown's bytes nor the HTML exist whole in Python: the markdown is given to
    cmark's parser a piece at a time, and the HTML is read from cmark's buffer a piece at a time
    (the buffer and the document are freed when the pieces are consumed, or the caller stops).
    """
    lib, ffi = _cmark.lib, _cmark.ffi
    parser = lib.cmark_parser_new(_OPTIONS)
    try:
        stop = len(body) if end is None else end
        for offset in range(start, stop, _PIECE // 4):
            piece = body[offset : min(offset + _PIECE // 4, stop)].encode("utf-8")
            lib.cmark_parser_feed(parser, piece, len(piece))
        document = lib.cmark_parser_finish(parser)
    finally:
        lib.cmark_parser_free(parser)
    try:
        html = lib.cmark_render_html(document, _OPTIONS, ffi.NULL)
    finally:
        _CMARK.cmark_node_free(_address(document))
    try:
        length = _LIBC.strlen(_address(html))
        buffer = ffi.buffer(html, length)
        for offset in range(0, length, _PIECE):
            yield buffer[offset : offset + _PIECE]
    finally:
        _LIBC.free(_address(html))


@dataclass(frozen=True, slots=True)
class RenderedPart:
    #: The HTML of an HTML source; None for a part of a markdown page (see :meth:`html`).
    source_html: str | None
    #: A markdown part: ``markdown[start:end]`` (the page is not copied).
    markdown: str = ""
    start: int = 0
    end: int = 0
    #: Added to a ``data-sourcepos`` line to give the source file's line (markdown only).
    line_offset: int = 0

    def html(self) -> Iterator[str | bytes]:
        """The part's HTML in pieces (UTF-8 bytes for markdown)."""
        if self.source_html is not None:
            yield self.source_html
        else:
            yield from render_markdown(self.markdown, self.start, self.end)


@dataclass(frozen=True, slots=True)
class RenderedPage:
    #: The HTML of an HTML source, or the markdown page (its body starts at ``body_start``).
    text: str
    #: Front-matter metadata; None for HTML sources (the walk reads their head instead).
    meta: RevisionMeta | None
    #: The body's first line in the source file, less one (markdown only).
    line_offset: int = 0
    body_start: int = 0

    @property
    def is_markdown(self) -> bool:
        return self.meta is not None

    def parts(self) -> Iterator[RenderedPart]:
        """The page's HTML, in parts rendered one at a time (one part for an HTML source)."""
        if not self.is_markdown:
            yield RenderedPart(source_html=self.text)
            return
        for first_line, start, end in cut_markdown(self.text, PART_SIZE, start=self.body_start):
            yield RenderedPart(None, self.text, start, end, self.line_offset + first_line)


def _raw_end(line: str) -> re.Pattern[str] | None:
    """The end of the raw HTML block ``line`` opens and does not close, if any."""
    for opener, end in _RAW_HTML:
        start = opener.match(line)
        if start is not None and end.search(line, start.end()) is None:
            return end
    return None


def cut_markdown(
    body: str, size: int = PART_SIZE, *, start: int = 0
) -> Iterator[tuple[int, int, int]]:
    """``body`` (from offset ``start``) cut into parts of about ``size`` characters where every
    block has ended: each part's first line (0 at ``start``), start and end offsets."""
    if len(body) - start <= size or _REFERENCE.search(body, start) is not None:
        yield 0, start, len(body)
        return
    start_line = 0
    fence: tuple[str, int] | None = None
    raw_end: re.Pattern[str] | None = None
    blank_before = True
    for index, match in enumerate(_LINE.finditer(body, start)):
        line = match.group()
        if fence is not None:
            close = _FENCE.match(line)
            if (
                close is not None
                and close.group(1)[0] == fence[0]
                and len(close.group(1)) >= fence[1]
                and not line[close.end() :].strip(_BLANK)
            ):
                fence = None
        elif raw_end is not None:
            if raw_end.search(line):
                raw_end = None
        else:
            if (
                match.start() - start >= size
                and blank_before
                and line
                and not _NOT_A_CUT.match(line)
            ):
                yield start_line, start, match.start()
                start, start_line = match.start(), index
            opening = _FENCE.match(line)
            if opening is not None and not (
                opening.group(1)[0] == "`" and "`" in line[opening.end() :]
            ):
                fence = (opening.group(1)[0], len(opening.group(1)))
            else:
                raw_end = _raw_end(line)
        blank_before = not line.strip(_BLANK)
    yield start_line, start, len(body)


def is_html(text: str) -> bool:
    """Whether ``text`` is a whole HTML document rather than markdown."""
    return _HTML_START.match(text[:1024]) is not None


def render_page(text: str) -> RenderedPage:
    """HTML for the walk, and the front matter's metadata for markdown sources."""
    if is_html(text):
        return RenderedPage(text=text, meta=None)
    split = split_front_matter(text)
    meta = read_meta(split.front_matter) if split.front_matter is not None else RevisionMeta()
    return RenderedPage(
        text=text, meta=meta, line_offset=split.body_line - 1, body_start=split.body_start
    )
