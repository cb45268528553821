"""Typed settings, read from the environment and ``.env``.

One :class:`Settings` object is built at each entry point (CLI command, ASGI factory, test) and
passed down; nothing in the package reads the environment on its own or connects at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from croniter import croniter
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from service.errors import ConfigError
from service.http_urls import parse_http_url
from service.secret_files import database_url_from_parts, with_secret_files

#: Schemes accepted in ``DATABASE_URL`` and the async driver each one maps to.
_DRIVERS: dict[str, str] = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}

DEFAULT_SQLITE_FILE = "mobility.sqlite3"

#: Shortest admin token or webhook secret accepted.
MIN_SECRET_LENGTH = 16


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


def _blank_is_absent(value: object) -> object:
    """A blank secret is no secret (an empty ``ADMIN_TOKEN=`` line disables, never protects)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _long_enough(value: SecretStr | None) -> SecretStr | None:
    # A guessable secret is worse than none: it looks protected and is not.
    if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters long")
    return value


def _cron(value: str) -> str:
    value = " ".join(value.split())
    if not croniter.is_valid(value):
        raise ValueError(f"{value!r} is not a cron expression (e.g. '0 3 * * *')")
    return value


#: A cron expression (UTC), spaces normalised.
Cron = Annotated[str, AfterValidator(_cron)]

#: A secret setting: blank is absent, and a short one is refused.
Secret = Annotated[
    SecretStr | None, BeforeValidator(_blank_is_absent), AfterValidator(_long_enough)
]


class FetchSettings(BaseModel):
    """The fetcher's politeness and safety limits (``scrapers.fetch.FetchPolicy`` is built from
    them); each field is read from ``FETCH_<NAME>``. Its defaults are the fetcher's defaults."""

    contact_url: str | None = Field(
        default=None,
        description="Page or mailto: address naming who runs the crawler; sent in the "
        "User-Agent. Required to fetch anything.",
    )
    concurrency: int = Field(
        default=8, ge=1, le=256, description="Requests in flight at once, all hosts together."
    )
    host_delay: float = Field(
        default=1.0, ge=0, le=300, description="Minimum seconds between two requests to a host."
    )
    crawl_delay_cap: float = Field(
        default=30.0, ge=0, le=3600, description="Largest robots.txt Crawl-delay honoured (s)."
    )
    page_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Total deadline for one page, all hops (s)."
    )
    max_body_bytes: int = Field(
        default=5_000_000,
        ge=1_024,
        le=100_000_000,
        description="Largest page body kept, after decompression (bytes).",
    )
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(
        default=2, ge=0, le=10, description="Retries after a connection error, 408, 429 or 5xx."
    )
    backoff_base: float = Field(
        default=1.0, ge=0, le=60, description="First retry waits about this long, then doubles."
    )
    retry_after_cap: float = Field(
        default=120.0,
        ge=0,
        le=86_400,
        description="Longest Retry-After waited for (s); beyond it the URL waits for the next run.",
    )
    allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated networks the address guard lets through although they are "
        "not public (tests on loopback). Empty in production.",
    )

    @field_validator("contact_url")
    @classmethod
    def _check_contact_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme == "mailto" and "@" in parts.path:
            return value
        if parts.scheme in ("http", "https") and parts.hostname:
            return value
        raise ValueError("must be an http(s) URL or a mailto: address")

    @field_validator("allowed_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            items = [item.strip() for item in value.split(",") if item.strip()]
            try:
                return [ip_network(item) for item in items]
            except ValueError as exc:
                raise ValueError(str(exc)) from None
        return value


class WebhookSettings(BaseModel):
    """Where event webhooks go and how they are delivered (``scrapers.webhooks``); each field is
    read from ``WEBHOOK_<NAME>``."""

    urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="http(s) URLs that receive event webhooks, separated by commas or spaces.",
    )
    secret: Secret = Field(
        default=None,
        description="Key of the HMAC-SHA256 webhook signature; required when WEBHOOK_URLS is set.",
    )
    secret_file: Path | None = Field(default=None, description="A file holding WEBHOOK_SECRET.")
    timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Deadline of one delivery attempt."
    )
    max_attempts: int = Field(
        default=6, ge=1, le=50, description="Attempts before a delivery is given up."
    )
    backoff_seconds: float = Field(
        default=30.0, gt=0, description="Delay before the first retry; it doubles per attempt."
    )
    backoff_cap_seconds: float = Field(
        default=3_600.0, gt=0, description="Longest delay between two attempts."
    )

    @field_validator("urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return value.replace(",", " ").split()
        return value

    @field_validator("urls")
    @classmethod
    def _check_urls(cls, value: list[str]) -> list[str]:
        return [parse_http_url(url) for url in value]

    @model_validator(mode="after")
    def _check_signed(self) -> WebhookSettings:
        if self.urls and self.secret is None:
            raise ValueError("WEBHOOK_URLS is set but WEBHOOK_SECRET is not (webhooks are signed)")
        return self


class AdminSettings(BaseModel):
    """Who may use the admin mutations and forms (``service.admin``); read from ``ADMIN_<NAME>``."""

    token: Secret = Field(
        default=None,
        description="Bearer token of the admin mutations; absent: admin mutations are disabled.",
    )
    token_file: Path | None = Field(default=None, description="A file holding ADMIN_TOKEN.")


class SchedulerSettings(BaseModel):
    """How ``mobility scheduler`` runs (``scrapers.schedule``); read from ``SCHEDULER_<NAME>``."""

    heartbeat_file: Path | None = Field(
        default=None,
        description="A file the scheduler rewrites every 10 s while it runs (its healthcheck).",
    )
    poll_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3_600,
        description="How often the scheduler looks for requests (SQLite; PostgreSQL wakes it "
        "at once through procrastinate's NOTIFY, this is its fallback).",
    )


class CorsSettings(BaseModel):
    """Which browser origins may call the API (``service.web``); read from ``CORS_<NAME>``."""

    origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser, comma-separated; "
        "empty: no CORS headers.",
    )
    allow_headers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Request headers browsers may send cross-origin, comma-separated; empty: "
        "any header a preflight asks for.",
    )
    max_age_seconds: int = Field(
        default=600, ge=0, le=86_400, description="How long browsers may reuse a preflight."
    )

    @field_validator("origins", "allow_headers", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


class DatabasePoolSettings(BaseModel):
    """The connection pool and its deadlines (``service.db.engine``); read from ``DB_<NAME>``."""

    pool_size: int = Field(
        default=16,
        ge=1,
        le=100,
        description="Database connections a process keeps open: at least the requests it serves "
        "at once (each holds one). Beyond it as many again are opened and closed per use.",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    ping_after_idle_seconds: float = Field(
        default=1.0,
        ge=0,
        le=3600,
        description="A pooled PostgreSQL connection idle this long is pinged before use (0: "
        "before every use). Under steady load connections are reused sooner, and skip the ping.",
    )
    connect_timeout: float = Field(
        default=10.0, gt=0, le=300, description="Seconds to wait for a database connection."
    )


class GraphqlSettings(BaseModel):
    """What one GraphQL operation may ask and how many run at once (``service.graphql.limits``,
    ``service.web``); read from ``GRAPHQL_<NAME>``."""

    max_depth: int = Field(
        default=15,
        ge=1,
        le=100,
        description="Longest field path in an operation (the standard introspection query is 15).",
    )
    max_aliases: int = Field(
        default=30, ge=0, le=10_000, description="Aliases allowed in one document."
    )
    max_tokens: int = Field(
        default=5_000,
        ge=100,
        le=1_000_000,
        description="Lexical tokens (and, separately, comments) allowed in one document.",
    )
    max_fields: int = Field(
        default=300,
        ge=1,
        le=100_000,
        description="Field selections allowed in one document, counted before validation.",
    )
    cost_budget: int = Field(
        default=20_000,
        ge=1,
        le=100_000_000,
        description="Most field resolutions an operation may need, estimated before it runs "
        "from page sizes and the catalogue's counts; beyond it: QUERY_TOO_COMPLEX.",
    )
    max_variables_depth: int = Field(
        default=20, ge=1, le=200, description="Deepest nesting of lists and objects in variables."
    )
    max_variable_values: int = Field(
        default=2_000,
        ge=1,
        le=1_000_000,
        description="Values (scalars, lists and objects) allowed in one request's variables.",
    )
    max_concurrent: int = Field(
        default=4,
        ge=1,
        le=1_000,
        description="Operations executed at once by one process; others wait in a short queue.",
    )
    max_queued: int = Field(
        default=16,
        ge=0,
        le=100_000,
        description="Operations waiting for an execution slot; beyond it: 503 at once.",
    )
    queue_wait_seconds: float = Field(
        default=0.04,
        ge=0,
        le=60,
        description="Longest wait for an execution slot before a 503 with Retry-After.",
    )
    retry_after_seconds: int = Field(
        default=1, ge=1, le=3_600, description="Retry-After sent with a 503 under overload."
    )


class SyncSettings(BaseModel):
    """When and how ``mobility sync`` runs (``scrapers.sync``): its schedule, link health, the run
    lock, the PostgreSQL partitions and workers; read from ``SYNC_<NAME>``."""

    schedule: Cron = Field(
        default="0 4 * * 1", description="Cron expression (UTC) of the partner-site sync."
    )
    dead_link_runs: int = Field(
        default=3, ge=1, le=100, description="Failed runs in a row before a dead link is a finding."
    )
    lease_ttl: float = Field(
        default=15.0,
        ge=1,
        le=86_400,
        description="SQLite: seconds after which the lease of a killed sync run expires (it is "
        "renewed every third of it; a killed holder on the same host is noticed at once).",
    )
    lock_check_seconds: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="PostgreSQL: seconds between two probes of the sync's lock connection "
        "(it is also probed before every school transaction).",
    )
    extract_processes: int | None = Field(
        default=None,
        ge=0,
        le=256,
        description="Processes that extract a sync's pages while its event loop fetches (unset: "
        "one per core the process may use; 0 or 1: one thread of the sync's own process).",
    )
    partitions: int = Field(
        default=12,
        ge=1,
        le=1_000,
        description="PostgreSQL: host partitions a sync run is split into, each a job any "
        "`mobility worker` (or the run itself) can claim (decision 0130).",
    )
    partition_min_schools: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="PostgreSQL: fewest schools per partition (a small run is not cut into "
        "partitions whose bookkeeping would outweigh their work).",
    )
    local_partitions: int = Field(
        default=12,
        ge=0,
        le=1_000,
        description="PostgreSQL: partitions the process that starts a run works on at once "
        "itself; 0 leaves them all to `mobility worker` processes.",
    )
    worker_concurrency: int = Field(
        default=4,
        ge=1,
        le=1_000,
        description="Partitions one `mobility worker` works on at once.",
    )
    worker_heartbeat_seconds: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="Seconds between two heartbeats of a worker (procrastinate's worker table).",
    )
    worker_stalled_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3_600,
        description="Seconds without a heartbeat after which a worker is taken for dead and its "
        "partitions are given to another (keep it several heartbeats long).",
    )


class FaqSettings(BaseModel):
    """The FAQ import (``scrapers.faq``: ``mobility import-faq``, the scheduler's re-import, the
    admin's ``importFaq``): where the page comes from, when it is re-imported, and the caps that
    refuse a page; read from ``FAQ_<NAME>``."""

    source: str | None = Field(
        default=None,
        description="URL or file the scheduler re-imports the FAQ from; absent: the packaged page.",
    )
    schedule: Cron = Field(
        default="0 3 * * *", description="Cron expression (UTC) of the FAQ re-import."
    )
    fetch_timeout: float = Field(
        default=20.0,
        gt=0,
        le=600,
        description="Seconds allowed, in total, to fetch a FAQ page given as a URL.",
    )
    max_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="Largest FAQ page accepted (file or URL, after decompression), in bytes.",
    )
    max_items: int = Field(
        default=5_000,
        ge=1,
        description="Most list items a FAQ page may hold (the real page has ~40); more is refused.",
    )
    max_schools: int = Field(
        default=2_000,
        ge=1,
        description="Most partner schools a FAQ page may name; more is refused, nothing imported.",
    )


class SchoolBackoffSettings(BaseModel):
    """Per-school back-off of scheduled syncs (``service.operations.school_backoff``): a school
    that keeps failing is left out for a while; read from ``SCHOOL_BACKOFF_<NAME>``."""

    after_failures: int = Field(
        default=3, ge=1, le=100, description="Consecutive failures before a school is backed off."
    )
    base_seconds: int = Field(
        default=7 * 86_400, ge=1, description="First back-off delay; it doubles per failure."
    )
    cap_seconds: int = Field(default=56 * 86_400, ge=1, description="Longest back-off delay.")

    @model_validator(mode="after")
    def _cap_not_below_base(self) -> SchoolBackoffSettings:
        if self.cap_seconds < self.base_seconds:
            raise ValueError("SCHOOL_BACKOFF_CAP_SECONDS is below SCHOOL_BACKOFF_BASE_SECONDS")
        return self


class Settings(BaseSettings):
    """Everything a process needs to know; each field is read from the upper-case variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # FETCH_CONCURRENCY is ``fetch.concurrency``: a room's variables keep their flat names.
        env_nested_delimiter="_",
        env_nested_max_split=1,
    )

    environment: Literal["development", "production"] = Field(
        default="development",
        description="production turns off field suggestions and other developer conveniences.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://… or sqlite:///…; absent: a SQLite file under DATA_DIR.",
    )
    database_url_file: Path | None = Field(
        default=None, description="A file holding DATABASE_URL (compose/Kubernetes secrets)."
    )
    database_host: str | None = Field(
        default=None,
        description="PostgreSQL host; with DATABASE_USER, DATABASE_PASSWORD(_FILE) and "
        "DATABASE_NAME it builds the URL (each part escaped) when DATABASE_URL is absent.",
    )
    database_port: int = Field(default=5432, ge=1, le=65_535)
    database_user: str | None = None
    database_password: SecretStr | None = None
    database_password_file: Path | None = Field(
        default=None, description="A file holding DATABASE_PASSWORD."
    )
    database_name: str | None = None
    data_dir: Path = Field(default=Path("var"), description="Where the embedded database lives.")
    sqlite_busy_timeout_ms: int = Field(default=5_000, ge=0, le=600_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    graphiql_assets_dir: Path | None = Field(
        default=None,
        description="Where GraphiQL's verified browser files are; absent: inside the package.",
    )
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object per line; text: for people; auto: json in "
        "production, text in development.",
    )

    # Operations: the admin token, the scheduler, webhooks (docs/operations/).
    schedule_jitter_seconds: int = Field(
        default=900, ge=0, le=86_400, description="Random delay added to every scheduled run."
    )
    # The FAQ import (scrapers/faq): FAQ_<name> for each field of FaqSettings.
    faq: FaqSettings = Field(
        default_factory=FaqSettings,
        description="Where the FAQ page comes from, when it is re-imported, its caps (FAQ_*).",
    )
    # The sync's per-school back-off: SCHOOL_BACKOFF_<name> for each field of SchoolBackoffSettings.
    school_backoff: SchoolBackoffSettings = Field(
        default_factory=SchoolBackoffSettings,
        description="How long a school whose sync keeps failing is left alone "
        "(SCHOOL_BACKOFF_* variables).",
    )

    # Fetching partner websites (scrapers/fetch): FETCH_<name> for each field of FetchSettings.
    fetch: FetchSettings = Field(
        default_factory=FetchSettings,
        description="Politeness and safety limits of the fetcher (FETCH_* variables).",
    )
    # Event webhooks (scrapers/webhooks): WEBHOOK_<name> for each field of WebhookSettings.
    webhook: WebhookSettings = Field(
        default_factory=WebhookSettings,
        description="Receivers and delivery of event webhooks (WEBHOOK_* variables).",
    )
    sync: SyncSettings = Field(
        default_factory=SyncSettings,
        description="The partner-site sync (SYNC_* variables).",
    )
    graphql: GraphqlSettings = Field(
        default_factory=GraphqlSettings,
        description="Limits of GraphQL operations (GRAPHQL_* variables).",
    )
    db: DatabasePoolSettings = Field(
        default_factory=DatabasePoolSettings,
        description="The database connection pool (DB_* variables).",
    )
    cors: CorsSettings = Field(
        default_factory=CorsSettings,
        description="Cross-origin requests from browsers (CORS_* variables).",
    )
    scheduler: SchedulerSettings = Field(
        default_factory=SchedulerSettings,
        description="The scheduler process (SCHEDULER_* variables).",
    )
    admin: AdminSettings = Field(
        default_factory=AdminSettings,
        description="The admin token (ADMIN_* variables).",
    )

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
    data_version_max_age_seconds: float = Field(
        default=0.5,
        ge=0,
        le=60,
        description="How stale the data version behind cached responses may be; 0: read it "
        "for every request.",
    )
    compiled_reads: bool = Field(
        default=True,
        description="Answer catalogue queries with one SQL statement per root field "
        "(service.graphql.compiler); false: every query through the resolvers.",
    )
    response_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        le=4 * 1024 * 1024 * 1024,
        description="Memory for cached query responses (keyed on the data version); 0 disables.",
    )

    persisted_queries_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=0,
        le=1024 * 1024 * 1024,
        description="Memory for automatic persisted queries (texts by SHA-256); 0 turns the "
        "protocol off.",
    )
    trusted_documents_file: Path | None = Field(
        default=None,
        description="A persisted-query manifest (`mobility trusted-documents`); set: only its "
        "operations run.",
    )
    http_cache_max_age_seconds: int = Field(
        default=30,
        ge=0,
        le=86_400,
        description="max-age of anonymous query answers (Cache-Control: public); 0: revalidate "
        "every time.",
    )
    compression_min_bytes: int = Field(
        default=1_024,
        ge=0,
        le=100_000_000,
        description="Smallest response body compressed (gzip, or brotli when installed).",
    )

    metrics_enabled: bool = Field(
        default=True,
        description="Serve /metrics (Prometheus text format) and count GraphQL requests.",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, values: object) -> object:
        if not isinstance(values, dict):
            return values
        values = _fold_rooms(with_secret_files(values))
        for room in ROOMS:  # the environment hands a room its variables already nested
            if isinstance(values.get(room), dict):
                values[room] = with_secret_files(values[room], room=room)
        return values

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip():
            parse_database_url(value.get_secret_value())
            return value
        return None

    @field_validator("database_password", mode="before")
    @classmethod
    def _blank_secret_is_absent(cls, value: object) -> object:
        return _blank_is_absent(value)

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Settings:
        """A copy with ``update`` applied; flat names (``webhook_urls``) go into their room.

        Like pydantic's, it does not validate: give values their types (``SecretStr``).
        """
        values = dict(update or {})
        for room in ROOMS:
            flat = {
                name.removeprefix(f"{room}_"): values.pop(name)
                for name in list(values)
                if name.startswith(f"{room}_")
            }
            if flat:
                current = values.get(room, getattr(self, room))
                values[room] = current.model_copy(update=flat)
        return super().model_copy(update=values, deep=deep)

    @property
    def structured_logs(self) -> bool:
        """Whether log lines are JSON objects (LOG_FORMAT, or the environment when auto)."""
        if self.log_format == "auto":
            return self.environment == "production"
        return self.log_format == "json"

    @property
    def database(self) -> URL:
        """The SQLAlchemy URL with its async driver (the password stays inside the URL object)."""
        if self.database_url is None and self.database_host:
            password = self.database_password
            return database_url_from_parts(
                host=self.database_host,
                port=self.database_port,
                user=self.database_user,
                password=password.get_secret_value() if password else None,
                name=self.database_name,
            )
        if self.database_url is None:
            return URL.create("sqlite+aiosqlite", database=str(self.data_dir / DEFAULT_SQLITE_FILE))
        return parse_database_url(self.database_url.get_secret_value())

    @property
    def database_display(self) -> str:
        """The database URL safe to print or log: the password is masked."""
        return self.database.render_as_string(hide_password=True)


#: Settings grouped by room: the field of ``Settings`` and its model (variables ``<ROOM>_<NAME>``).
ROOMS: dict[str, type[BaseModel]] = {
    name: field.annotation
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
}


def _fold_rooms(values: dict[str, Any]) -> dict[str, Any]:
    """Move flat ``fetch_concurrency=…`` arguments into their room (they win over the room's)."""
    for room, model in ROOMS.items():
        flat = {
            name: values.pop(f"{room}_{name}")
            for name in model.model_fields
            if f"{room}_{name}" in values
        }
        if flat:
            nested = values.get(room) or {}
            if isinstance(nested, BaseModel):
                nested = nested.model_dump()
            values[room] = {**nested, **flat}
    return values


def setting_variables() -> set[str]:
    """Every environment variable the settings read, as the docs name them."""
    names = {name.upper() for name in Settings.model_fields if name not in ROOMS}
    for room, model in ROOMS.items():
        names |= {f"{room}_{name}".upper() for name in model.model_fields}
    return names


def _variable(location: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in ROOMS:  # ("fetch", "retries") is FETCH_RETRIES
        parts[:2] = [f"{parts[0]}_{parts[1]}"]
    return ".".join(parts).upper() or "settings"


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one readable :class:`ConfigError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{_variable(err['loc'])}: {str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
