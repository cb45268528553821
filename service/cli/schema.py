"""``mobility export-schema``: write the GraphQL SDL to the committed file (or stdout)."""

from __future__ import annotations

from pathlib import Path

import click

from service.graphql.sdl import SDL_PATH, schema_sdl


@click.command(name="export-schema")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default=str(SDL_PATH),
    show_default=True,
    help="Where to write the SDL; - for standard output.",
)
def export_schema_command(output: str) -> None:
    """Write the GraphQL schema (SDL) that frontends code against."""
    sdl = schema_sdl()
    if output == "-":
        click.echo(sdl, nl=False)
        return
    path = Path(output)
    if path.is_file() and path.read_text(encoding="utf-8") == sdl:
        click.echo(f"{path}: up to date")
        return
    path.write_text(sdl, encoding="utf-8")
    click.echo(f"{path}: written")
