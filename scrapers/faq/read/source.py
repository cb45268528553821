"""Where a FAQ page comes from: a file, an http(s) URL, or the seed shipped in the package.

Every source is read as bytes under a size cap and decoded as strict UTF-8 (a BOM is dropped):
a page in another encoding is refused with one clear line rather than imported with mangled
names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scrapers.faq.errors import SourceError
from scrapers.faq.read.download import fetch_url
from scrapers.fetch import Resolver, resolve_with_system
from service.addresses import IPNetwork

SEED_LABEL = "seed:mobilite_dd.md"
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """The text of a page and where it came from (stored on the revision)."""

    text: str
    label: str
    is_seed: bool = False


def decode_text(data: bytes, label: str) -> str:
    """Strict UTF-8, without a BOM; anything else is a :class:`SourceError`."""
    try:
        return data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{label} is not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def read_seed() -> SourceDocument:
    """The FAQ page shipped inside the package: the default catalogue."""
    data = resources.files("scrapers.faq").joinpath("data", "mobilite_dd.md").read_bytes()
    return SourceDocument(text=decode_text(data, SEED_LABEL), label=SEED_LABEL, is_seed=True)


def read_file(path: Path, *, max_bytes: int) -> SourceDocument:
    """A page from a local file, refused when missing, a directory, or over ``max_bytes``."""
    label = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise SourceError(f"no such file: {label}") from None
    except IsADirectoryError:
        raise SourceError(f"{label} is a directory, not a FAQ page") from None
    except OSError as exc:
        raise SourceError(f"cannot read {label}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(f"{label} is too large (more than {max_bytes} bytes)")
    return SourceDocument(text=decode_text(data, label), label=label)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


async def read_source(
    source: str | None,
    *,
    max_bytes: int,
    time_limit: float,
    allowed_networks: Sequence[IPNetwork] = (),
    contact_url: str | None = None,
    resolver: Resolver = resolve_with_system,
) -> SourceDocument:
    """Read ``source``: None for the packaged seed, an http(s) URL, or a file path.

    A URL goes through the guarded fetcher (:mod:`.download`): only public addresses,
    unless ``allowed_networks`` (the sync's ``FETCH_ALLOWED_NETWORKS``) lets others in.
    """
    if source is None:
        return read_seed()
    if is_url(source):
        fetched = await fetch_url(
            source,
            max_bytes=max_bytes,
            time_limit=time_limit,
            allowed_networks=allowed_networks,
            contact_url=contact_url,
            resolver=resolver,
        )
        return SourceDocument(text=decode_text(fetched.body, source), label=source)
    if "://" in source:
        scheme = source.split("://", 1)[0]
        raise SourceError(f"unsupported URL scheme {scheme!r}: give an http(s) URL or a file path")
    return read_file(Path(source), max_bytes=max_bytes)
