"""docker-compose.yml must name only services and settings that exist in the code."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import yaml

from shared.config import InfraSettings, ServiceSettings
from shared.infra.components import COMPONENTS, Kind

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
INFRASTRUCTURE = {"kafka", "postgres", "prometheus", "grafana"}


def setting_names() -> set[str]:
    names = set()
    for settings in (ServiceSettings, InfraSettings):
        names |= {str(field.validation_alias) for field in settings.model_fields.values()}
    return names


def product_services() -> dict[str, dict]:
    return {name: spec for name, spec in COMPOSE["services"].items() if name not in INFRASTRUCTURE}


def test_every_compose_service_is_a_component_of_the_local_stack():
    components = {c.name: c for c in COMPONENTS if c.kind in (Kind.HTTP, Kind.WORKER)}
    assert set(product_services()) == set(components)
    for name, spec in product_services().items():
        if components[name].port is not None:
            assert spec["ports"] == [f"{components[name].port}:8000"]


def test_every_compose_command_names_code_that_exists():
    for name, spec in product_services().items():
        command = spec["command"]
        target = command[command.index("--factory") + 1] if "--factory" in command else command[-1]
        module, _, attribute = target.partition(":")
        loaded = importlib.import_module(module)
        if attribute:
            assert callable(getattr(loaded, attribute)), f"{name}: {target}"


def test_every_compose_variable_is_a_documented_setting():
    environment = COMPOSE["x-service-env"]
    assert set(environment) <= setting_names()


def test_prometheus_scrapes_every_http_service_and_grafana_is_provisioned_with_its_dashboard():
    scraped = yaml.safe_load((ROOT / "infra/prometheus/prometheus.yml").read_text())["scrape_configs"][0]
    targets = {target.split(":")[0] for target in scraped["static_configs"][0]["targets"]}
    http_services = {name for name, spec in product_services().items() if "uvicorn" in spec["command"]}
    assert targets == http_services
    board = json.loads((ROOT / "infra/grafana/dashboards/cycle.json").read_text())
    exprs = " ".join(target["expr"] for panel in board["panels"] for target in panel["targets"])
    metrics = ("cycle_http_requests_total", "cycle_outbox_backlog", "cycle_consumer_lag", "cycle_events_consumed")
    for metric in (*metrics, "cycle_assessment_figures_behind_seconds", "cycle_assessment_unread_records"):
        assert metric in exprs


def test_compose_runs_in_production_mode_and_asks_for_every_key_production_refuses_to_start_without():
    environment = COMPOSE["x-service-env"]
    assert environment["CYCLE_ENVIRONMENT"] == "${CYCLE_ENVIRONMENT:-production}"
    for key in ("CYCLE_NATIONAL_ID_KEY", "CYCLE_TOKEN_SIGNING_KEY"):
        assert environment[key].startswith(f"${{{key}:?"), f"{key} has no default: compose stops without it"
    assert "CYCLE_OPERATOR_TOKEN" not in environment  # set but empty, production refuses it
