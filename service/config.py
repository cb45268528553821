"""Typed settings, read from the environment and ``.env``.

One :class:`Settings` object is built at each entry point (CLI command, ASGI factory, test) and
passed down; nothing in the package reads the environment on its own or connects at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from service.errors import ConfigError

#: Schemes accepted in ``DATABASE_URL`` and the async driver each one maps to.
_DRIVERS: dict[str, str] = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}

DEFAULT_SQLITE_FILE = "mobility.sqlite3"


def parse_database_url(raw: str) -> URL:
    """Parse a user-supplied database URL and pick the async driver for it.

    Raises :class:`ValueError` with a readable message for anything else.
    """
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise ValueError(
            "not a URL; expected postgresql://user@host:5432/name or sqlite:///path/to/file.sqlite3"
        ) from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        accepted = ", ".join(sorted(f"{scheme}://" for scheme in _DRIVERS))
        raise ValueError(f"scheme {url.drivername!r} is not supported; use one of {accepted}")
    url = url.set(drivername=driver)
    if driver.startswith("sqlite") and url.database in (None, ""):
        raise ValueError("SQLite needs a file path: sqlite:///path/to/file.sqlite3")
    if driver.startswith("postgresql") and not url.host and not url.query.get("host"):
        raise ValueError("PostgreSQL needs a host: postgresql://user@host:5432/name")
    return url


class Settings(BaseSettings):
    """Everything a process needs to know; each field is read from the upper-case variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    environment: Literal["development", "production"] = Field(
        default="development",
        description="production turns off field suggestions and other developer conveniences.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://… or sqlite:///…; absent: a SQLite file under DATA_DIR.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where the embedded database lives.")
    db_pool_size: int = Field(default=5, ge=1, le=100)
    db_echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    db_connect_timeout: float = Field(
        default=10.0, gt=0, le=300, description="Seconds to wait for a database connection."
    )
    sqlite_busy_timeout_ms: int = Field(default=5_000, ge=0, le=600_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # The HTTP server and the GraphQL API (service.web, service.graphql).
    host: str = Field(default="127.0.0.1", description="Interface `mobility serve` listens on.")
    port: int = Field(
        default=8000, ge=1, le=65_535, description="Port `mobility serve` listens on."
    )
    graphiql_enabled: bool = Field(
        default=True, description="Serve the GraphiQL page to browsers at /graphql."
    )
    introspection_enabled: bool = Field(
        default=True, description="Answer introspection queries (GraphiQL and codegen need them)."
    )
    graphql_max_depth: int = Field(
        default=15,
        ge=1,
        le=100,
        description="Longest field path in an operation (the standard introspection query is 15).",
    )
    graphql_max_aliases: int = Field(
        default=30, ge=0, le=10_000, description="Aliases allowed in one document."
    )
    graphql_max_tokens: int = Field(
        default=5_000,
        ge=100,
        le=1_000_000,
        description="Lexical tokens (and, separately, comments) allowed in one document.",
    )
    max_body_bytes: int = Field(
        default=100_000,
        ge=1_024,
        le=100_000_000,
        description="Largest request body accepted; larger ones get 413 before being parsed.",
    )
    request_deadline_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Time a request may take, body included; then 408 or 503.",
    )
    max_page_size: int = Field(
        default=100, ge=1, le=10_000, description="Largest `first` a paginated field accepts."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser, comma-separated; "
        "empty: no CORS headers.",
    )
    data_version_max_age_seconds: float = Field(
        default=0.5,
        ge=0,
        le=60,
        description="How stale the data version behind cached responses may be; 0: read it "
        "for every request.",
    )
    response_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        le=4 * 1024 * 1024 * 1024,
        description="Memory for cached query responses (keyed on the data version); 0 disables.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip():
            parse_database_url(value.get_secret_value())
            return value
        return None

    @property
    def database(self) -> URL:
        """The SQLAlchemy URL with its async driver (the password stays inside the URL object)."""
        if self.database_url is None:
            return URL.create("sqlite+aiosqlite", database=str(self.data_dir / DEFAULT_SQLITE_FILE))
        return parse_database_url(self.database_url.get_secret_value())

    @property
    def database_display(self) -> str:
        """The database URL safe to print or log: the password is masked."""
        return self.database.render_as_string(hide_password=True)


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one readable :class:`ConfigError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']).upper() or 'settings'}: "
            f"{str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
