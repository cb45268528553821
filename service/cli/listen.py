"""Can the API listen where it is told to? Asked before anything starts.

uvicorn reports a taken port only after the application's start-up, as a logged error and an
exit status that the CLI documents for something else; an operator then reads "serving on
:8000" followed by a failure. Binding once here, as uvicorn will (``SO_REUSEADDR``, so a socket
in TIME_WAIT does not count), turns it into one line and exit code 8. The probe is closed before
uvicorn binds: another process could take the port in between, and uvicorn would then fail as
before.
"""

from __future__ import annotations

import socket

from service.errors import PortTakenError


def check_can_listen(host: str, port: int) -> None:
    """Raise :class:`PortTakenError` when ``host:port`` cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise PortTakenError(
                f"cannot listen on {host}:{port}: {reason} (another server runs there? "
                "choose one with --port or PORT)"
            ) from None
