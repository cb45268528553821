"""``mobility trusted-documents`` builds the manifest a production server runs exclusively."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson

from tests.service.cli.test_db_cli import run_cli


def test_the_manifest_has_every_named_operation_of_the_folder(tmp_path: Path) -> None:
    ops = tmp_path / "ops"
    (ops / "nested").mkdir(parents=True)
    (ops / "tracks.graphql").write_text("query Tracks { homeTracks { code } }\n")
    (ops / "nested" / "school.graphql").write_text(
        'query School { school(slug: "aalto-university") { slug } }\n'
    )
    target = tmp_path / "trusted.json"
    result = run_cli("trusted-documents", str(ops), "-o", str(target), env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"{target}: 2 operations\n"
    manifest = orjson.loads(target.read_bytes())
    assert (manifest["format"], manifest["version"]) == ("apollo-persisted-query-manifest", 1)
    assert [(op["name"], op["type"]) for op in manifest["operations"]] == [
        ("School", "query"),
        ("Tracks", "query"),
    ]
    tracks = manifest["operations"][1]
    assert tracks["body"] == "query Tracks {\n  homeTracks {\n    code\n  }\n}"
    assert tracks["id"] == hashlib.sha256(tracks["body"].encode()).hexdigest()


def test_an_operation_the_schema_refuses_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.graphql").write_text("query Bad { homeTracks { population } }\n")
    result = run_cli("trusted-documents", str(tmp_path / "bad.graphql"), env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "mobility: error: Bad is not valid against the schema: "
        "Cannot query field 'population' on type 'HomeTrack'.\n"
    )


def test_an_anonymous_operation_is_refused(tmp_path: Path) -> None:
    (tmp_path / "anon.graphql").write_text("{ homeTracks { code } }\n")
    result = run_cli("trusted-documents", str(tmp_path / "anon.graphql"), env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"mobility: error: {tmp_path / 'anon.graphql'}: an operation has no name "
        "(clients need one)\n"
    )


def test_add_typename_writes_what_apollo_client_sends(tmp_path: Path) -> None:
    source = tmp_path / "school.graphql"
    source.write_text(
        'query School { school(slug: "aalto-university") { slug country { code __typename } } }\n'
    )
    result = run_cli("trusted-documents", "--add-typename", str(source), env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (operation,) = orjson.loads(result.stdout)["operations"]
    assert operation["body"] == (
        'query School {\n  school(slug: "aalto-university") {\n    slug\n    country {\n'
        "      code\n      __typename\n    }\n    __typename\n  }\n}"
    )
