"""``mobility serve``: the GraphQL API over HTTP, with uvicorn."""

from __future__ import annotations

import click

from service.cli.context import CliState, pass_state
from service.cli.listen import check_can_listen


@click.command(name="serve")
@click.option("--host", default=None, help="Interface to listen on [default: HOST, 127.0.0.1].")
@click.option(
    "--port",
    type=click.IntRange(1, 65_535),
    default=None,
    help="Port to listen on [default: PORT, 8000].",
)
@pass_state
def serve_command(state: CliState, host: str | None, port: int | None) -> None:
    """Serve /graphql (GraphiQL for browsers), /healthz, /readyz and /metrics until interrupted.

    Exit status: 0 stopped, 2 configuration error, 3 database unreachable, 8 the address is
    taken (another server listens on the port) or cannot be used.
    """
    # Imported here: the web stack is heavy, and `mobility --help` or `db` need none of it.
    import uvicorn

    from service.observability.logs import configure_logging
    from service.web.app import create_app

    settings = state.settings
    updates = {name: value for name, value in (("host", host), ("port", port)) if value}
    if updates:
        settings = settings.model_copy(update=updates)
    check_can_listen(settings.host, settings.port)
    configure_logging(settings)
    click.echo(
        f"serving {settings.database_display} on http://{settings.host}:{settings.port}/graphql",
        err=True,
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        # Our handler formats uvicorn's lines too (JSON in production). Its access lines lack
        # the duration and the GraphQL operation: service.observability.access_log writes ours.
        log_config=None,
        access_log=False,
        log_level=settings.log_level.lower(),
        server_header=False,
        timeout_graceful_shutdown=10,
    )
