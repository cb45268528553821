"""``mobility up``: the API and the scheduler together, for one machine (what ``make run`` runs).

Each runs as its own child process, exactly as ``mobility serve`` and ``mobility schedule`` would,
in its own session so that a Ctrl-C at the terminal reaches this supervisor only. The supervisor
turns the first SIGINT or SIGTERM into one SIGTERM for each child (the scheduler finishes the
school in flight, the API its requests), waits for both, and exits 0. If one child stops on its
own, the other is stopped too and the supervisor exits with the child's status.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

import click

from service.cli.context import CliState, pass_state
from service.cli.listen import check_can_listen

#: How long the children get to stop cleanly (the scheduler finishes one school).
STOP_GRACE_SECONDS = 120.0
_POLL_SECONDS = 0.2


@dataclass
class _Children:
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stop_requested: bool = False

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stop_requested:
            click.echo(f"mobility up: {signal.Signals(signum).name}, stopping…", err=True)
        self.stop_requested = True

    def exited(self) -> tuple[str, int] | None:
        for name, process in self.processes.items():
            code = process.poll()
            if code is not None:
                return name, code
        return None

    def stop_all(self) -> dict[str, int]:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        codes: dict[str, int] = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                click.echo(f"mobility up: {name} did not stop in time; killed", err=True)
                process.kill()
                codes[name] = process.wait()
        return codes


def _command(state: CliState, *args: str) -> list[str]:
    env_file = ["--env-file", state.env_file] if state.env_file else []
    return [sys.executable, "-m", "service.cli.main", *env_file, *args]


@click.command(name="up")
@click.option("--host", default=None, help="Interface the API listens on [default: HOST].")
@click.option("--port", type=int, default=None, help="Port of the API [default: PORT].")
@pass_state
def up_command(state: CliState, host: str | None, port: int | None) -> None:
    """Run the API and the scheduler together until Ctrl-C (or SIGTERM) stops both.

    Without FETCH_CONTACT_URL (the page partner webmasters can reach you through) the scheduler
    cannot visit partner sites: the API is served alone, and this says so. Exit status 8: the
    API's port is taken (nothing is started).
    """
    settings = state.settings  # a broken configuration stops here, before anything starts
    # A taken port stops here too (exit 8), before the scheduler is started beside a dead API.
    check_can_listen(host or settings.host, port or settings.port)
    serve = ["serve", *(["--host", host] if host else []), *(["--port", str(port)] if port else [])]
    children = _Children()
    signal.signal(signal.SIGINT, children.request_stop)
    signal.signal(signal.SIGTERM, children.request_stop)
    children.processes["api"] = subprocess.Popen(_command(state, *serve), start_new_session=True)  # noqa: S603
    if settings.fetch.contact_url:
        children.processes["scheduler"] = subprocess.Popen(  # noqa: S603
            _command(state, "schedule"), start_new_session=True
        )
    else:
        click.echo(
            "mobility up: the scheduler is not started: set FETCH_CONTACT_URL (in .env) to the "
            "page partner webmasters can reach you through; serving the API alone",
            err=True,
        )
    ended: tuple[str, int] | None = None
    while not children.stop_requested and ended is None:
        time.sleep(_POLL_SECONDS)
        ended = children.exited()
    if ended is None:
        codes = children.stop_all()
        failed = {name: code for name, code in codes.items() if code not in (0, -signal.SIGTERM)}
        if failed:
            raise click.exceptions.Exit(max(abs(code) for code in failed.values()) or 1)
        return
    name, code = ended
    click.echo(f"mobility up: {name} stopped (exit status {code}); stopping the rest", err=True)
    children.stop_all()
    # A child killed by a signal reports -N; a shell would say 128 + N.
    raise click.exceptions.Exit(128 - code if code < 0 else code or 1)
