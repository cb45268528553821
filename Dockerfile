# The application image, built once by docker-compose.yml (its `migrate` service) and run by
# `api` and `scheduler`, configured only through variables read by service.config.Settings
# (secrets through *_FILE). .dockerignore keeps .git, .venv, var/ and the tests out of the
# build context.

# GraphiQL's browser files are fetched from the npm registry and verified in a build stage, so
# the runtime image carries neither node nor npm.
FROM python:3.11-slim AS graphiql-assets
RUN apt-get update && apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY scrapers ./scrapers
COPY alembic ./alembic
RUN pip install --no-cache-dir . && mobility graphiql-assets install --dir /graphiql

FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRAPHIQL_ASSETS_DIR=/app/graphiql

RUN useradd --create-home --uid 10001 mobility
WORKDIR /app

# A regular (non-editable) install: the code, and the migrations (service/migrations in the
# wheel), live in site-packages, owned by root; the sources are removed.
COPY pyproject.toml README.md ./
COPY service ./service
COPY scrapers ./scrapers
COPY alembic ./alembic
RUN pip install . \
    && rm -rf service scrapers alembic \
    && mkdir -p /app/var && chown mobility:mobility /app/var
COPY --from=graphiql-assets /graphiql /app/graphiql

USER mobility
EXPOSE 8000
# The API's liveness; compose gives each service its own check (/readyz, the scheduler's
# heartbeat).
HEALTHCHECK --interval=10s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["mobility", "serve", "--host", "0.0.0.0"]
