"""Entry point of the ``mobility`` console script."""

from __future__ import annotations

import sys

import click

from service import __version__
from service.cli.context import CliState
from service.cli.db import db_group
from service.cli.graphiql import graphiql_assets_group
from service.cli.lazy import LazyGroup
from service.cli.schema import export_schema_command
from service.cli.serve import serve_command
from service.cli.trusted_documents import trusted_documents_command
from service.cli.up import up_command
from service.errors import UserError

#: Commands that live in ``scrapers`` (or load heavy modules), imported only when invoked.
LAZY_COMMANDS: dict[str, str] = {
    "extract": "scrapers.extract.command:extract_command",
    "import-faq": "scrapers.faq.command:import_faq_command",
    "schedule": "scrapers.schedule.command:schedule_command",
    "sync": "scrapers.sync.command:sync_command",
    "try": "scrapers.sync.command:try_command",
    "worker": "scrapers.sync.worker:worker_command",
}


@click.group(
    cls=LazyGroup,
    lazy_subcommands=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="mobility")
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read settings from this file instead of ./.env (the environment still wins).",
)
@click.pass_context
def cli(ctx: click.Context, env_file: str | None) -> None:
    """mobility-catalog: the partner-university catalogue, its scrapers and its GraphQL API.

    Settings come from the environment and ./.env (see .env.example); with no DATABASE_URL the
    catalogue lives in a SQLite file under ./var/.
    """
    ctx.obj = CliState(env_file=env_file)


cli.add_command(db_group)
cli.add_command(graphiql_assets_group)
cli.add_command(serve_command)
cli.add_command(export_schema_command)
cli.add_command(up_command)
cli.add_command(trusted_documents_command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors print one line and exit non-zero, without a traceback."""
    try:
        # Without standalone mode click returns an exit code instead of exiting.
        result = cli.main(args=argv, prog_name="mobility", standalone_mode=False)
    except UserError as exc:
        click.echo(f"mobility: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    if isinstance(result, int) and result != 0:
        sys.exit(result)


if __name__ == "__main__":
    main()
