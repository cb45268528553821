"""What every command receives: the settings, built once at the entry point."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import click

from service.config import Settings, load_settings

T = TypeVar("T")


@dataclass(slots=True)
class CliState:
    """Per-invocation state shared by the commands."""

    env_file: str | None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        # Built on first use, so that `mobility --help` works with a broken environment.
        if self._settings is None:
            self._settings = load_settings(_env_file=self.env_file or ".env")
        return self._settings


pass_state = click.make_pass_decorator(CliState)


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """Run one coroutine to completion on a fresh event loop."""

    async def runner() -> T:
        return await main()

    return asyncio.run(runner())
