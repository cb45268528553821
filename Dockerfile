# The API and scheduler image. Built by docker-compose.yml; configured only through environment
# variables read by service.config.Settings.
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 mobility
WORKDIR /app

COPY pyproject.toml README.md ./
COPY service ./service
COPY scrapers ./scrapers
COPY alembic ./alembic
RUN pip install --editable . \
    && mkdir -p /app/var && chown mobility:mobility /app/var

USER mobility
EXPOSE 8000
CMD ["mobility", "serve", "--host", "0.0.0.0"]
