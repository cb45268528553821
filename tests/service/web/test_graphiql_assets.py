"""GraphiQL's files: verified against their integrity hashes, installed only when they match."""

from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

import pytest

from service.errors import UserError
from service.web.graphiql_assets import ASSETS, install_assets, integrity_of, load_assets


def test_integrity_is_the_sri_sha384_form() -> None:
    # echo -n "" | openssl dgst -sha384 -binary | base64
    assert integrity_of(b"") == (
        "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
    )


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"GraphiQL asset missing: .*react-18\.2\.0\.min\.js"):
        load_assets(tmp_path)


def test_an_altered_file_is_refused(tmp_path: Path) -> None:
    for asset in ASSETS:
        (tmp_path / asset.name).write_bytes(b"console.log('not the real file')")
    with pytest.raises(UserError, match="does not match its integrity hash"):
        load_assets(tmp_path)


def _fake_npm(tmp_path: Path, content: bytes) -> Path:
    """An `npm` that packs every package with the same (wrong) content, as a registry might."""
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for asset in ASSETS:
            info = tarfile.TarInfo(f"package/{asset.path}")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    script = tmp_path / "npm"
    script.write_text(f'#!/bin/sh\ncp "{tarball}" ./pkg.tgz\necho pkg.tgz\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_install_refuses_files_that_do_not_match_and_writes_nothing(tmp_path: Path) -> None:
    npm = _fake_npm(tmp_path, b"tampered")
    target = tmp_path / "assets"
    with pytest.raises(UserError, match="does not match its hash"):
        install_assets(target, npm=str(npm))
    assert list(target.iterdir()) == []


def test_install_without_npm_says_so(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="npm is not installed"):
        install_assets(tmp_path, npm=str(tmp_path / "no-such-npm"))


def test_a_failing_npm_is_one_line(tmp_path: Path) -> None:
    npm = tmp_path / "npm"
    npm.write_text("#!/bin/sh\necho 'E404 Not Found' >&2\nexit 1\n", encoding="utf-8")
    npm.chmod(0o755)
    with pytest.raises(UserError, match=r"npm pack react@18\.2\.0 failed: E404 Not Found"):
        install_assets(tmp_path / "assets", npm=str(npm))
