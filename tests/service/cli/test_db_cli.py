"""``mobility db``: upgrade and current, as a user runs them (in process: tests/in_process.py)."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest

from service.db import migrate
from tests.databases import empty_database
from tests.in_process import run_main


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, env=env, cwd=cwd)


def test_upgrade_creates_the_default_sqlite_file_and_twice_is_a_no_op(tmp_path: Path) -> None:
    first = run_cli("db", "upgrade", env={}, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "var" / "mobility.sqlite3").is_file()
    assert "upgraded empty (no revision) ->" in first.stdout
    second = run_cli("db", "upgrade", env={}, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "nothing to do" in second.stdout
    current = run_cli("db", "current", env={}, cwd=tmp_path)
    assert current.returncode == 0
    assert "(at head)" in current.stdout


def test_current_on_an_empty_database_exits_non_zero(tmp_path: Path) -> None:
    result = run_cli(
        "db", "current", env={"DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3"}, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "empty (no revision) (behind head" in result.stdout


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("mysql://root@localhost/x", 2, "scheme 'mysql' is not supported"),
        (
            "postgresql://postgres@127.0.0.1:1/x",
            3,
            "cannot reach the database at postgresql+asyncpg://postgres@127.0.0.1:1/x",
        ),
    ],
)
def test_bad_database_url_is_one_line_and_non_zero(
    tmp_path: Path, url: str, code: int, message: str
) -> None:
    result = run_cli("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mobility: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_the_password_never_reaches_the_terminal(tmp_path: Path) -> None:
    result = run_cli(
        "db", "upgrade", env={"DATABASE_URL": "postgresql://app:s3cr3t@127.0.0.1:1/x"}, cwd=tmp_path
    )
    assert result.returncode == 3
    assert "s3cr3t" not in result.stderr + result.stdout
    assert "app:***@" in result.stderr


@pytest.mark.postgres
async def test_upgrade_against_postgres_twice(tmp_path: Path) -> None:
    async with empty_database("postgres", tmp_path) as settings:
        env = {"DATABASE_URL": settings.database.render_as_string(hide_password=False)}
        # In a thread: the command runs its own event loop.
        first = await asyncio.to_thread(run_cli, "db", "upgrade", env=env, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        second = await asyncio.to_thread(run_cli, "db", "upgrade", env=env, cwd=tmp_path)
        assert "nothing to do" in second.stdout


def test_help_explains_every_command(tmp_path: Path) -> None:
    result = run_cli("--help", env={"DATABASE_URL": "mysql://broken"}, cwd=tmp_path)
    assert result.returncode == 0
    # Column widths depend on the longest command name: match words, not spacing.
    for command, summary in [
        ("db", "Database schema"),
        ("extract", "Print what would be extracted"),
        ("graphiql-assets", "GraphiQL's browser files"),
        ("import-faq", "Import the FAQ page"),
        ("sync", "Check every active link"),
        ("try", "Fetch URL through the sync's fetcher"),
        ("worker", "Work on the host partitions of sync runs"),
        ("serve", "Serve /graphql"),
        ("export-schema", "Write the GraphQL schema"),
    ]:
        assert re.search(rf"^  {command} +{re.escape(summary)}", result.stdout, re.MULTILINE)
    sub = run_cli("db", "--help", env={}, cwd=tmp_path)
    assert re.search(r"upgrade\s+Apply migrations", sub.stdout)
    assert re.search(r"current\s+Print the database's revision", sub.stdout)
    assert re.search(r"downgrade\s+Undo migrations down to REVISION", sub.stdout)


def test_downgrade_goes_down_and_an_unknown_revision_is_one_line(tmp_path: Path) -> None:
    assert run_cli("db", "upgrade", env={}, cwd=tmp_path).returncode == 0
    down = run_cli("db", "downgrade", "0003", env={}, cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert down.stdout.endswith(f"downgraded {migrate.head_revision()} -> 0003\n")
    unknown = run_cli("db", "downgrade", "nope", env={}, cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "mobility: error: cannot downgrade to 'nope': Can't locate revision identified by 'nope' "
        "(revisions: base, 0001, 0002, 0003, 0005, 0006, 0007, 0008, 0009, 0010, 0014, 0015, "
        "0019, 0020, 0021)\n"
    )
