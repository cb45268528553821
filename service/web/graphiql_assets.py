"""GraphiQL's browser assets: which files, their integrity hashes, installing and verifying them.

The page must work with no internet, so the files GraphiQL needs are installed from the npm
registry at set-up (``mobility graphiql-assets install``, run by ``make install``), never committed.
They are the very files the public CDN serves: the SHA-384 hashes below are the ones the CDN page
pins with Subresource Integrity, and every file is checked against its hash when installed and
again when the server loads it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.errors import UserError

logger = logging.getLogger(__name__)

#: Where the assets go when no directory is configured (ignored by git).
DEFAULT_ASSETS_DIR = Path(__file__).resolve().parent / "static" / "vendor"

_NPM_TIMEOUT_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Asset:
    """One file of an npm package, served under ``name``."""

    package: str
    version: str
    path: str  # inside the package
    integrity: str  # "sha384-<base64>", as in an HTML integrity attribute
    name: str  # file name served under /graphiql/static/

    @property
    def cdn_url(self) -> str:
        return f"https://unpkg.com/{self.package}@{self.version}/{self.path}"

    @property
    def media_type(self) -> str:
        return "text/css" if self.name.endswith(".css") else "text/javascript"


ASSETS: tuple[Asset, ...] = (
    Asset(
        "react",
        "18.2.0",
        "umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
        "react-18.2.0.min.js",
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
        "react-dom-18.2.0.min.js",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
        "graphiql-3.8.3.min.css",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
        "graphiql-3.8.3.min.js",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/style.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
        "plugin-explorer-1.0.2.css",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/index.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
        "plugin-explorer-1.0.2.umd.js",
    ),
)


def integrity_of(content: bytes) -> str:
    """The Subresource Integrity value (SHA-384) of ``content``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii")


def load_assets(directory: Path) -> dict[str, bytes]:
    """Every asset's bytes by served name, each checked against its hash.

    Raises :class:`UserError` naming the first missing or altered file.
    """
    loaded: dict[str, bytes] = {}
    for asset in ASSETS:
        path = directory / asset.name
        try:
            content = path.read_bytes()
        except OSError:
            raise UserError(f"GraphiQL asset missing: {path}") from None
        if integrity_of(content) != asset.integrity:
            raise UserError(f"GraphiQL asset {path} does not match its integrity hash")
        loaded[asset.name] = content
    return loaded


def _extract_member(tarball: Path, member_path: str) -> bytes:
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.getmember(f"package/{member_path}")
        if not member.isfile():
            raise UserError(f"{tarball.name}: {member_path} is not a regular file")
        stream = archive.extractfile(member)
        if stream is None:
            raise UserError(f"{tarball.name}: cannot read {member_path}")
        with stream:
            return stream.read()


def _npm_pack(spec: str, into: Path, npm: str) -> Path:
    try:
        result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            [npm, "pack", "--silent", spec],
            cwd=into,
            capture_output=True,
            text=True,
            timeout=_NPM_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise UserError(
            f"npm is not installed (needed to fetch {spec} from the registry)"
        ) from None
    except subprocess.TimeoutExpired:
        raise UserError(f"npm pack {spec} timed out after {_NPM_TIMEOUT_SECONDS} s") from None
    if result.returncode != 0:
        reason = " ".join(result.stderr.split())[:300] or f"exit status {result.returncode}"
        raise UserError(f"npm pack {spec} failed: {reason}")
    return into / result.stdout.strip().splitlines()[-1]


def install_assets(directory: Path, *, npm: str = "npm") -> list[Path]:
    """Fetch each package from the npm registry, verify each file, and write it to ``directory``.

    Nothing is written unless every file matched its hash. Returns the written paths.
    """
    directory.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="graphiql-assets-") as scratch:
        tarballs: dict[str, Path] = {}
        for asset in ASSETS:
            spec = f"{asset.package}@{asset.version}"
            if spec not in tarballs:
                tarballs[spec] = _npm_pack(spec, Path(scratch), npm)
            content = _extract_member(tarballs[spec], asset.path)
            if integrity_of(content) != asset.integrity:
                raise UserError(f"{spec}/{asset.path} from the registry does not match its hash")
            contents[asset.name] = content
    written = []
    for name, content in contents.items():
        target = directory / name
        with tempfile.NamedTemporaryFile(dir=directory, delete=False) as handle:
            shutil.copyfileobj(io.BytesIO(content), handle)
        Path(handle.name).chmod(0o644)
        Path(handle.name).replace(target)
        written.append(target)
    return written
