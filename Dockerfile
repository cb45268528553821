# The application image, built by docker-compose.yml and configured only through environment
# variables read by service.config.Settings.

# GraphiQL's browser files are fetched from the npm registry and verified in a build stage, so
# the runtime image carries neither node nor npm.
FROM python:3.11-slim AS graphiql-assets
RUN apt-get update && apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY scrapers ./scrapers
RUN pip install --no-cache-dir . && mobility graphiql-assets install --dir /graphiql

FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRAPHIQL_ASSETS_DIR=/app/graphiql

RUN useradd --create-home --uid 10001 mobility
WORKDIR /app

COPY pyproject.toml README.md ./
COPY service ./service
COPY scrapers ./scrapers
COPY alembic ./alembic
RUN pip install --editable . \
    && mkdir -p /app/var && chown mobility:mobility /app/var
COPY --from=graphiql-assets /graphiql /app/graphiql

USER mobility
EXPOSE 8000
CMD ["mobility", "serve", "--host", "0.0.0.0"]
