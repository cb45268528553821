"""The shipped monitoring (deploy/): alert rules and their unit tests, Prometheus, the dashboard.

``promtool`` (Debian's ``prometheus`` package) checks and unit-tests the rules; without it those
tests skip with the reason, and fail under ``REQUIRE_PROMTOOL=1`` (CI). The other tests need
nothing: every metric a rule or a panel queries must be one the application exports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.observability.metrics import Metrics
from service.observability.snapshot import MetricsSnapshot

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
#: Series Prometheus itself adds to every scrape target.
SCRAPE_SERIES = {"up"}
_METRIC = re.compile(r"\b((?:mobility|process|python)_[a-z0-9_]+)\b")


def _promtool() -> str:
    path = shutil.which("promtool")
    if path is not None:
        return path
    reason = "promtool not found (apt-get install prometheus)"
    if os.environ.get("REQUIRE_PROMTOOL", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"REQUIRE_PROMTOOL=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _run_promtool(*args: str) -> str:
    done = subprocess.run(
        [_promtool(), *args],
        cwd=PROMETHEUS,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _rules() -> list[dict[str, Any]]:
    data = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group["rules"]]


def _dashboard() -> dict[str, Any]:
    data = json.loads((GRAFANA / "dashboards" / "mobility.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _exported_metric_names() -> set[str]:
    """Every series name /metrics can answer, with a snapshot where every figure is present."""
    metrics = Metrics()
    metrics.observe_graphql("Catalogue", 0.01)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    snapshot = MetricsSnapshot(
        links_by_health={"OK": 1},
        sync_runs_by_status={"OK": 1},
        school_facts_by_freshness={"fresh": 1, "stale": 0},
        job_requests_by_status={"queued": 0},
        webhook_deliveries_by_status={"failed": 0},
        last_success_at={"sync": now},
        next_run_at={"sync": now},
    )
    metrics.snapshot.update(snapshot)
    text = metrics.render().decode()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1].isalpha()}


def test_the_rules_pass_promtools_check() -> None:
    assert "SUCCESS: 11 rules found" in _run_promtool("check", "rules", "alerts.yml")


#: The rules' unit tests: cases over minutes, and cases over days (evaluated every 10 minutes).
UNIT_TESTS = ("alerts.test.yml", "alerts.days.test.yml")


def test_the_rules_unit_tests_pass() -> None:
    out = _run_promtool("test", "rules", *UNIT_TESTS)  # one process for both files
    assert out.count("SUCCESS") == len(UNIT_TESTS)


def test_prometheus_config_is_valid_and_loads_the_rules() -> None:
    out = _run_promtool("check", "config", "prometheus.yml")
    assert "SUCCESS: 11 rules found" in out


def test_every_alert_has_a_severity_and_a_summary_and_a_unit_test() -> None:
    tested = {
        case["alertname"]
        for name in UNIT_TESTS
        for test in yaml.safe_load((PROMETHEUS / name).read_text(encoding="utf-8"))["tests"]
        for case in test.get("alert_rule_test", [])
    }
    names = [rule["alert"] for rule in _rules()]
    assert len(names) == len(set(names))
    for rule in _rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
    # The rules a wrong expression would silently never fire are unit-tested.
    assert {
        "MobilitySyncFailed",
        "MobilityDeadLinksRising",
        "MobilityNoSuccessfulSync",
        "MobilityApiErrors",
        "MobilityStaleValues",
    } <= tested


def test_alerts_and_panels_query_only_metrics_the_application_exports() -> None:
    exported = _exported_metric_names() | SCRAPE_SERIES
    queried = {rule["alert"]: rule["expr"] for rule in _rules()}
    for panel in _dashboard()["panels"]:
        for target in panel["targets"]:
            queried[f"panel {panel['title']}"] = target["expr"]
    for where, expr in queried.items():
        unknown = set(_METRIC.findall(expr)) - exported
        assert not unknown, f"{where} queries metrics /metrics does not export: {sorted(unknown)}"


def test_the_dashboard_uses_the_provisioned_data_source_and_a_valid_grid() -> None:
    source = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text(encoding="utf-8")
    )["datasources"][0]
    dashboard = _dashboard()
    assert dashboard["uid"] == "mobility-catalog"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        grid = panel["gridPos"]
        assert grid["x"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        assert panel["targets"], panel["title"]
