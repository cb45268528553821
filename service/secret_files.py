"""Secrets from files (``*_FILE``) and the database URL from its parts, never from a pasted string.

Container platforms hand secrets over as files (compose and Swarm ``secrets:`` mount them under
``/run/secrets/``; Kubernetes mounts them as volumes), so that they stay out of ``docker
inspect``, ``/proc/*/environ`` and crash reports. ``ADMIN_TOKEN_FILE=/run/secrets/admin_token``
therefore stands for ``ADMIN_TOKEN``; a variable set directly wins over its file.

A password pasted into ``postgresql://user:PASSWORD@host/db`` breaks on ``@``, ``/``, ``:`` or
``%`` and ends up in error messages; ``DATABASE_HOST``, ``DATABASE_USER``, ``DATABASE_PASSWORD``
(or ``DATABASE_PASSWORD_FILE``) and ``DATABASE_NAME`` are assembled by SQLAlchemy's
``URL.create``, which escapes each part, and the password is only ever shown masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import URL

#: Settings that may come from a file named by ``<NAME>_FILE``.
SECRET_SETTINGS = ("database_url", "database_password", "admin_token", "webhook_secret")

#: Largest secret file read: a secret is a line, not a document.
MAX_SECRET_BYTES = 4096


def read_secret_file(name: str, path: object) -> str:
    """The secret in ``path`` (one trailing newline dropped); errors name the file, not its text."""
    file = Path(str(path))
    try:
        data = file.read_bytes()[: MAX_SECRET_BYTES + 1]
    except OSError as exc:
        raise ValueError(f"{name.upper()}_FILE: cannot read {file}: {exc.strerror}") from None
    if len(data) > MAX_SECRET_BYTES:
        raise ValueError(f"{name.upper()}_FILE: {file} is over {MAX_SECRET_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{name.upper()}_FILE: {file} is not UTF-8 text") from None
    return text.removesuffix("\n").removesuffix("\r")


def with_secret_files(values: Mapping[str, object], *, room: str = "") -> dict[str, object]:
    """``values`` with every secret not set directly read from its ``*_FILE``.

    ``room`` names a settings room (``webhook``): ``values`` are then its fields, and
    ``WEBHOOK_SECRET`` is its ``secret``.
    """
    merged = dict(values)
    prefix = f"{room}_" if room else ""
    for variable in SECRET_SETTINGS:
        if not variable.startswith(prefix):
            continue
        name = variable.removeprefix(prefix)
        path = merged.get(f"{name}_file")
        given = merged.get(name)
        blank = given is None or (isinstance(given, str) and not given.strip())
        if path and blank:
            merged[name] = read_secret_file(variable, path)
    return merged


def database_url_from_parts(
    *, host: str, port: int, user: str | None, password: str | None, name: str | None
) -> URL:
    """A PostgreSQL URL built part by part (each escaped), for the async driver."""
    return URL.create(
        "postgresql+asyncpg",
        username=user or None,
        password=password or None,
        host=host,
        port=port,
        database=name or None,
    )
