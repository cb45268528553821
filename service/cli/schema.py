"""``mobility export-schema``: write the GraphQL SDL to the committed file (or stdout)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="export-schema")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default=None,
    help="Where to write the SDL; - for standard output "
    "[default: the committed service/graphql/schema.graphql].",
)
def export_schema_command(output: str | None) -> None:
    """Write the GraphQL schema (SDL) that frontends code against."""
    # Imported here: building the schema loads strawberry, which other commands do not need.
    from service.graphql import SDL_PATH, schema_sdl

    sdl = schema_sdl()
    if output == "-":
        click.echo(sdl, nl=False)
        return
    path = SDL_PATH if output is None else Path(output)
    if path.is_file() and path.read_text(encoding="utf-8") == sdl:
        click.echo(f"{path}: up to date")
        return
    path.write_text(sdl, encoding="utf-8")
    click.echo(f"{path}: written")
