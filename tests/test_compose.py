"""docker-compose.yml is checked statically: no Docker engine runs on our machines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _settings_variables() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def test_db_is_postgres_with_a_healthcheck_and_a_volume() -> None:
    db = _compose()["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in _compose()["volumes"]


def test_app_services_are_built_from_the_repository_dockerfile() -> None:
    for name, service in _compose()["services"].items():
        if name == "db":
            continue
        assert service["build"]["dockerfile"] == "Dockerfile"
        assert (ROOT / service["build"]["context"] / "Dockerfile").is_file()
        assert service["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_variable_given_to_the_app_is_a_setting() -> None:
    known = _settings_variables()
    for name, service in _compose()["services"].items():
        if name == "db":
            continue
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name} sets variables the settings do not read: {sorted(unknown)}"


def test_env_example_lists_only_settings() -> None:
    names = {
        line.lstrip("# ").split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert names, "no variables found in .env.example"
    assert names <= _settings_variables(), sorted(names - _settings_variables())


def test_api_migrates_before_it_starts() -> None:
    command = " ".join(_compose()["services"]["api"]["command"])
    assert command.index("mobility db upgrade") < command.index("&&")


def test_every_mobility_command_in_the_stack_exists() -> None:
    from service.cli.main import cli

    known = set(cli.list_commands(None))  # type: ignore[arg-type]
    for name, service in _compose()["services"].items():
        words = " ".join(service.get("command", [])).replace("&&", " ").split()
        used = {words[i + 1] for i, word in enumerate(words[:-1]) if word == "mobility"}
        assert used <= known, f"{name} runs unknown commands: {sorted(used - known)}"


def test_the_scheduler_starts_after_the_migrations_and_stops_gracefully() -> None:
    scheduler = _compose()["services"]["scheduler"]
    assert scheduler["command"] == ["mobility", "schedule"]
    assert scheduler["depends_on"]["api"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(_compose()["services"]["api"]["healthcheck"]["test"])
    assert scheduler["stop_signal"] == "SIGTERM"
    assert scheduler["stop_grace_period"] == "2m"
