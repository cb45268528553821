"""``mobility graphiql-assets``: install or check GraphiQL's browser files."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.context import CliState, pass_state
from service.web import ASSETS, DEFAULT_ASSETS_DIR, install_assets, load_assets


def _directory(state: CliState, directory: Path | None) -> Path:
    return directory or state.settings.graphiql_assets_dir or DEFAULT_ASSETS_DIR


@click.group(name="graphiql-assets")
def graphiql_assets_group() -> None:
    """GraphiQL's browser files, served by this server so that GraphiQL works offline."""


_DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Target directory (default: GRAPHIQL_ASSETS_DIR, or inside the package).",
)


@graphiql_assets_group.command(name="install")
@_DIR_OPTION
@pass_state
def install_command(state: CliState, directory: Path | None) -> None:
    """Fetch the files from the npm registry (npm pack), verify their hashes, write them."""
    target = _directory(state, directory)
    written = install_assets(target)
    click.echo(f"installed {len(written)} GraphiQL files in {target}")


@graphiql_assets_group.command(name="check")
@_DIR_OPTION
@pass_state
def check_command(state: CliState, directory: Path | None) -> None:
    """Verify the installed files against their integrity hashes (exit 2 if not)."""
    target = _directory(state, directory)
    load_assets(target)
    click.echo(f"{len(ASSETS)} GraphiQL files verified in {target}")
