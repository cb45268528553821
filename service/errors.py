"""Errors a user can cause, carrying the one line the CLI prints for them."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad configuration, unreachable database, bad input).

    The CLI prints ``str(error)`` on one line, without a traceback, and exits with ``exit_code``.
    """

    exit_code: int = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigError(UserError):
    """The settings (environment, ``.env``) are invalid."""


class DatabaseUnavailableError(UserError):
    """The database cannot be reached or opened."""

    exit_code = 3


class PortTakenError(UserError):
    """The address ``mobility serve`` (or ``up``) should listen on is in use or not ours."""

    exit_code = 8
