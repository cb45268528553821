"""``mobility trusted-documents``: build the manifest of operations a production server runs."""

from __future__ import annotations

from pathlib import Path

import click

from service.errors import UserError


@click.command(name="trusted-documents")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write the manifest (TRUSTED_DOCUMENTS_FILE); - for standard output.",
)
@click.option(
    "--add-typename",
    is_flag=True,
    help="Add __typename to every selection set, as Apollo Client does to what it sends "
    "(use it when Apollo Client's cache reads the answers).",
)
def trusted_documents_command(sources: tuple[Path, ...], output: str, add_typename: bool) -> None:
    """Build a persisted-query manifest from the .graphql files in SOURCES (files or folders).

    Every operation must be named and valid against the schema; fragments may live in any file.
    """
    # Imported here: building the schema loads strawberry, which other commands do not need.
    import strawberry
    from graphql import parse, validate

    from service.graphql import Mutation, Query
    from service.web import add_typename as with_typename
    from service.web import collect_operations, manifest_json, read_documents

    documents = read_documents(sources)
    if add_typename:
        documents = [(label, with_typename(doc)) for label, doc in documents]
    operations = collect_operations(documents)
    if not operations:
        raise UserError("no named operation in the given .graphql files")
    schema = strawberry.Schema(query=Query, mutation=Mutation)._schema
    for operation in operations:
        errors = validate(schema, parse(operation.body))
        if errors:
            problem = errors[0].message
            raise UserError(f"{operation.name} is not valid against the schema: {problem}")
    manifest = manifest_json(operations)
    if output == "-":
        click.echo(manifest.decode("utf-8"), nl=False)
        return
    Path(output).write_bytes(manifest)
    click.echo(f"{output}: {len(operations)} operations", err=True)
