"""``mobility export-schema`` writes the SDL the drift test compares."""

from __future__ import annotations

from pathlib import Path

from service.graphql.sdl import schema_sdl
from tests.service.cli.test_db_cli import run_cli


def test_export_writes_the_file_then_finds_it_up_to_date(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    first = run_cli("export-schema", "--output", str(target), env={}, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"{target}: written\n"
    assert target.read_text(encoding="utf-8") == schema_sdl()
    second = run_cli("export-schema", "-o", str(target), env={}, cwd=tmp_path)
    assert second.stdout == f"{target}: up to date\n"


def test_export_to_standard_output(tmp_path: Path) -> None:
    result = run_cli("export-schema", "-o", "-", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == schema_sdl()
    assert "type Query {" in result.stdout
