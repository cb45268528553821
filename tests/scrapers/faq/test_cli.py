"""``mobility import-faq`` as a user runs it: output, exit status, one-line errors."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from scrapers.faq.apply import writes as apply_module
from scrapers.faq.command import SEED_ALREADY_IMPORTED
from service.cli.main import main
from tests.databases import empty_database
from tests.in_process import run_main
from tests.scrapers.faq.http_server import Response, Site
from tests.scrapers.faq.pages import COMING_SOON, REVISION_2021, REVISION_2021_UPDATED

#: The fixture site is on loopback, which the FAQ fetch refuses unless allowed.
LOOPBACK_ALLOWED = {"FETCH_ALLOWED_NETWORKS": "127.0.0.1/32"}


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A default SQLite database migrated once for the module."""
    directory = tmp_path_factory.mktemp("migrated")
    upgraded = run_cli("db", "upgrade", cwd=directory)
    assert upgraded.returncode == 0, upgraded.stderr
    return directory / "var" / "mobility.sqlite3"


@pytest.fixture
def workdir(tmp_path: Path, migrated: Path) -> Path:
    """A directory with its own copy of the migrated default database."""
    (tmp_path / "var").mkdir()
    shutil.copyfile(migrated, tmp_path / "var" / "mobility.sqlite3")
    return tmp_path


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mobility: error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_the_command_is_listed_and_explained(tmp_path: Path) -> None:
    listing = run_cli("--help", cwd=tmp_path)
    assert re.search(
        r"\n  import-faq +Import the FAQ page \(a file, a URL or the packaged seed\)\.\n",
        listing.stdout,
    )
    usage = run_cli("import-faq", "--help", cwd=tmp_path)
    assert "Usage: mobility import-faq [OPTIONS] [SOURCE]" in usage.stdout
    assert "5 source regression refused" in usage.stdout


def test_without_source_the_seed_is_imported_once(workdir: Path) -> None:
    first = run_cli("import-faq", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith('seed:mobilite_dd.md: "Programmes de mobilité')
    assert (
        "page: 4 countries (CA 1, FI 1, FR 13, IT 1), 16 partner schools "
        "(+3 parent institutions), 4 programmes, 16 offers, 1 track, 2 selection rules, "
        "8 findings"
    ) in first.stdout
    assert "  WARNING line 17   country_name_corrected: 'Finalde' read as Finlande (FI)" in (
        first.stdout
    )
    assert "ERROR   line 41   link_to_other_school: ENSEIRB-MATMECA" in first.stdout
    second = run_cli("import-faq", cwd=workdir)
    assert (second.returncode, second.stdout.strip()) == (0, SEED_ALREADY_IMPORTED)


def test_a_file_imported_twice_changes_nothing_the_second_time(workdir: Path) -> None:
    page = workdir / "faq.md"
    page.write_text(REVISION_2021, encoding="utf-8")
    first = run_cli("import-faq", str(page), cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert "offers 13 added" in first.stdout
    second = run_cli("import-faq", str(page), cwd=workdir)
    assert second.returncode == 0
    assert "changes: none, the catalogue already matches this page" in second.stdout


def test_a_dry_run_shows_the_changes_and_writes_nothing(workdir: Path) -> None:
    dry = run_cli("import-faq", "--dry-run", cwd=workdir)
    assert dry.returncode == 0, dry.stderr
    assert "schools 19 added; programmes 4 added; offers 16 added" in dry.stdout
    assert dry.stdout.rstrip().endswith("dry run: nothing was written")
    real = run_cli("import-faq", cwd=workdir)
    assert "schools 19 added" in real.stdout


def test_a_url_source_is_fetched(workdir: Path, site: Site) -> None:
    site.routes["/faq/mobilite_dd.md"] = Response(REVISION_2021.encode())
    result = run_cli(
        "import-faq", site.url("/faq/mobilite_dd.md"), cwd=workdir, env=LOOPBACK_ALLOWED
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f'{site.url("/faq/mobilite_dd.md")}: "Programmes')


@pytest.mark.parametrize(
    ("content", "env", "code", "message"),
    [
        (None, {}, 2, "no such file: missing.md"),
        (b"Mobilit\xe9s", {}, 2, "page.md is not UTF-8 (invalid byte 0xe9 at offset 7)"),
        (b"x" * 2048, {"FAQ_MAX_BYTES": "1024"}, 2, "page.md is too large (more than 1024 bytes)"),
        (b"# Recettes\n\n* [Crepes](https://x.fr)\n", {}, 2, "page.md is not a FAQ page"),
        (
            "## Mobilités en commun :\n\nChiffres de l'année 2019/2021\n\n"
            "* France\n    * [ENSIIE, France](https://www.ensiie.fr/)\n".encode(),
            {},
            2,
            "line 3: academic year 2019/2021 is not two consecutive years",
        ),
    ],
)
def test_an_unusable_source_is_one_line(
    workdir: Path, content: bytes | None, env: dict[str, str], code: int, message: str
) -> None:
    name = "missing.md"
    if content is not None:
        name = "page.md"
        (workdir / name).write_bytes(content)
    result = run_cli("import-faq", name, cwd=workdir, env=env)
    assert result.returncode == code
    assert message in _one_error_line(result)
    assert result.stdout == ""


def test_an_unreachable_url_exits_4(tmp_path: Path, site: Site) -> None:
    result = run_cli("import-faq", site.url("/nowhere.md"), cwd=tmp_path, env=LOOPBACK_ALLOWED)
    assert result.returncode == 4
    assert _one_error_line(result).endswith("/nowhere.md answered HTTP 404 Not Found")


def test_a_loopback_url_is_refused_without_sending_anything(tmp_path: Path, site: Site) -> None:
    site.routes["/faq.md"] = Response(REVISION_2021.encode())
    result = run_cli("import-faq", site.url("/faq.md"), cwd=tmp_path)
    assert result.returncode == 2
    assert _one_error_line(result) == (
        f"mobility: error: {site.url('/faq.md')}: 127.0.0.1 is not a public address (loopback): "
        "nothing sent"
    )
    assert site.requests == []


def test_an_unmigrated_database_says_to_upgrade(tmp_path: Path) -> None:
    result = run_cli("import-faq", cwd=tmp_path)
    assert result.returncode == 3
    assert _one_error_line(result).endswith(": run `mobility db upgrade`")


def test_a_regression_is_refused_with_status_5_then_forced(workdir: Path) -> None:
    (workdir / "v1.md").write_text(REVISION_2021, encoding="utf-8")
    (workdir / "soon.md").write_text(COMING_SOON, encoding="utf-8")
    assert run_cli("import-faq", "v1.md", cwd=workdir).returncode == 0
    refused = run_cli("import-faq", "soon.md", cwd=workdir)
    assert refused.returncode == 5
    assert "changes: none (refused); findings 1 added" in refused.stdout
    assert _one_error_line(refused) == (
        "mobility: error: soon.md: source regression: the page lists 0 partner schools where "
        "the catalogue has 9; refused (--force imports it anyway)"
    )
    forced = run_cli("import-faq", "soon.md", "--force", cwd=workdir)
    assert forced.returncode == 0, forced.stderr
    assert "offers 13 retired" in forced.stdout


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            for name in tables
        }


def test_a_failed_import_leaves_the_database_as_it_was(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("import-faq", cwd=workdir).returncode == 0
    database = workdir / "var" / "mobility.sqlite3"
    before = _dump(database)
    (workdir / "v1.md").write_text(REVISION_2021, encoding="utf-8")

    async def fail(*_: object, **__: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module._Writer, "write_findings", fail)
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="disk full"):
        main(["import-faq", "v1.md"])
    assert _dump(database) == before
    assert capsys.readouterr().out == ""


@pytest.mark.postgres
async def test_import_against_postgres_twice(tmp_path: Path) -> None:
    async with empty_database("postgres", tmp_path) as settings:
        env = {"DATABASE_URL": settings.database.render_as_string(hide_password=False)}

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            # In a thread: the command runs its own event loop.
            return run_cli(*args, cwd=tmp_path, env=env)

        assert (await asyncio.to_thread(cli, "db", "upgrade")).returncode == 0
        first = await asyncio.to_thread(cli, "import-faq")
        assert first.returncode == 0, first.stderr
        assert "16 partner schools" in first.stdout
        (tmp_path / "v1.md").write_text(REVISION_2021, encoding="utf-8")
        assert (await asyncio.to_thread(cli, "import-faq", "v1.md")).returncode == 0
        again = await asyncio.to_thread(cli, "import-faq", "v1.md")
        assert "changes: none" in again.stdout


def test_a_reimport_lists_what_was_added_changed_and_retired(workdir: Path) -> None:
    page = workdir / "faq.md"
    page.write_text(REVISION_2021, encoding="utf-8")
    assert run_cli("import-faq", str(page), cwd=workdir).returncode == 0
    page.write_text(REVISION_2021_UPDATED, encoding="utf-8")
    updated = run_cli("import-faq", str(page), cwd=workdir)
    assert updated.returncode == 0, updated.stderr
    details = [line.strip() for line in updated.stdout.splitlines() if line.startswith("  ")]
    added = [line for line in details if line.startswith("added ")]
    assert any(line.startswith("added school politecnico-di-milano") for line in added), details
    assert any(
        line.startswith("added offer politecnico-di-milano") and ": places " in line
        for line in added
    ), details
    assert any(
        line.startswith("changed offer aalto") and "places 3 -> 4" in line for line in details
    ), details
    assert any(line.startswith("retired school ensim") for line in details), details
    # Additions come first, then each table's changes and retirements.
    kinds = [
        line.split()[0] for line in details if line.split()[0] in {"added", "changed", "retired"}
    ]
    assert kinds == ["added"] * len(added) + [kind for kind in kinds if kind != "added"]


def test_an_import_leaves_planner_statistics_behind(workdir: Path) -> None:
    imported = run_cli("import-faq", cwd=workdir)
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(workdir / "var" / "mobility.sqlite3") as connection:
        analyzed = {table for (table,) in connection.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"school", "programme", "school_programme", "offer", "link"} <= analyzed
