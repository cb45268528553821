"""Reading a source: a file, an http(s) URL (bounded), or the packaged seed."""

from __future__ import annotations

import gzip
import socket
from ipaddress import IPv4Network
from pathlib import Path

import pytest

from scrapers.faq.errors import SourceError, SourceUnreachableError
from scrapers.faq.read.source import SEED_LABEL, read_seed, read_source
from tests.scrapers.faq.http_server import Response, Site

LIMIT = 64 * 1024
#: The fixture server is on loopback, which the address guard refuses unless allowed.
LOOPBACK = (IPv4Network("127.0.0.0/8"),)


async def _read(source: str | None, *, time_limit: float = 5.0, max_bytes: int = LIMIT) -> str:
    document = await read_source(
        source, max_bytes=max_bytes, time_limit=time_limit, allowed_networks=LOOPBACK
    )
    return document.text


def test_the_seed_ships_with_the_package() -> None:
    seed = read_seed()
    assert seed.label == SEED_LABEL
    assert seed.is_seed
    assert seed.text.startswith('---\ntitle: "Programmes de mobilité et de double-diplômation"')
    assert "[ENSEIRB-MATMECA, Bordeaux INP, France]" in seed.text


async def test_no_source_means_the_seed() -> None:
    assert await _read(None) == read_seed().text


async def test_a_file_is_read_as_utf8_without_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"\xef\xbb\xbf## Pour qui ?\n\xc3\xa9")
    assert await _read(str(path)) == "## Pour qui ?\né"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xe9", r"is not UTF-8 \(invalid byte 0xe9 at offset 3\)"),
        (b"x" * (LIMIT + 1), f"is too large \\(more than {LIMIT} bytes\\)"),
    ],
)
async def test_a_bad_file_is_refused_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        await _read(str(path))


async def test_missing_files_directories_and_other_schemes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"no such file: .*missing\.md"):
        await _read(str(tmp_path / "missing.md"))
    with pytest.raises(SourceError, match="is a directory"):
        await _read(str(tmp_path))
    with pytest.raises(SourceError, match="unsupported URL scheme 'ftp'"):
        await _read("ftp://example.org/faq.md")


async def test_a_url_is_fetched(site: Site) -> None:
    site.routes["/faq.md"] = Response(b"## Pour qui ?\n", headers={"Content-Type": "text/markdown"})
    document = await read_source(
        site.url("/faq.md"), max_bytes=LIMIT, time_limit=5, allowed_networks=LOOPBACK
    )
    assert (document.text, document.label) == ("## Pour qui ?\n", site.url("/faq.md"))
    assert site.requests == ["/faq.md"]


async def test_a_gzipped_url_is_decoded(site: Site) -> None:
    site.routes["/faq.md"] = Response(
        gzip.compress("Mobilités".encode()), headers={"Content-Encoding": "gzip"}
    )
    assert await _read(site.url("/faq.md")) == "Mobilités"


async def test_redirects_are_followed(site: Site) -> None:
    site.routes["/old"] = Response(b"", status=301, headers={"Location": "/faq.md"})
    site.routes["/faq.md"] = Response(b"page")
    assert await _read(site.url("/old")) == "page"


async def test_an_http_error_is_unreachable(site: Site) -> None:
    with pytest.raises(SourceUnreachableError, match=r"/gone answered HTTP 404 Not Found"):
        await _read(site.url("/gone"))


async def test_a_body_over_the_limit_is_refused(site: Site) -> None:
    site.routes["/big"] = Response(b"x" * (LIMIT + 10))
    with pytest.raises(SourceError, match="is too large"):
        await _read(site.url("/big"))


async def test_a_compression_bomb_is_refused_while_decoding(site: Site) -> None:
    bomb = gzip.compress(b"\0" * (LIMIT * 50))
    assert len(bomb) < LIMIT
    site.routes["/bomb"] = Response(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(SourceError, match="is too large"):
        await _read(site.url("/bomb"))


async def test_a_slow_server_hits_the_time_limit(site: Site) -> None:
    site.routes["/slow"] = Response(b"late", delay=2.0)
    with pytest.raises(SourceUnreachableError, match=r"/slow did not answer within 0.3 s"):
        await _read(site.url("/slow"), time_limit=0.3)


async def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceUnreachableError, match=f"cannot fetch http://127.0.0.1:{port}/"):
        await _read(f"http://127.0.0.1:{port}/faq.md")


async def test_a_url_that_is_not_utf8_is_refused(site: Site) -> None:
    site.routes["/latin1"] = Response(
        b"Mobilit\xe9s", headers={"Content-Type": "text/html; charset=iso-8859-1"}
    )
    with pytest.raises(SourceError, match="is not UTF-8"):
        await _read(site.url("/latin1"))
