"""Every operation of the four services declares the client-credentials scheme and its refusals in OpenAPI;
only /health and the token endpoint are open (and /docs, /openapi.json, which are not operations)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from services.assessment.app import create_app as assessment_app
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.config import ServiceSettings
from shared.security.settings import UnsafeConfiguration

OPEN = {("/health", "get"), ("/oauth/token", "post")}
SERVICES = {
    "recruitment": recruitment_app,
    "training": training_app,
    "employment": employment_app,
    "assessment": assessment_app,
}


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in app.openapi()["paths"].items() for method, op in ops.items()]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_but_health_and_the_token_endpoint_declares_its_security(service: str):
    found = operations(SERVICES[service]())
    assert len(found) > 8
    for path, method, operation in found:
        if (path, method) in OPEN:
            assert "security" not in operation, f"{service} {method} {path}"
            continue
        assert {"clientCredentials": []} in operation.get("security", []) or any(
            "clientCredentials" in s for s in operation.get("security", [])
        ), f"{service} {method.upper()} {path} declares no security"
        assert {"401", "403"} <= set(operation["responses"]), f"{service} {method.upper()} {path}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_documents_the_client_credentials_scheme(service: str):
    scheme = SERVICES[service]().openapi()["components"]["securitySchemes"]["clientCredentials"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"


@pytest.mark.parametrize("service", ["recruitment", "training", "employment"])
def test_the_import_declares_the_import_scope(service: str):
    operation = SERVICES[service]().openapi()["paths"]["/admin/import"]["post"]
    assert {"clientCredentials": ["import"]} in operation["security"]


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_is_built_in_production_with_the_development_keys(service: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CYCLE_ENVIRONMENT", "production")
    with pytest.raises(UnsafeConfiguration) as refused:
        SERVICES[service]()
    assert "CYCLE_NATIONAL_ID_KEY is the development key" in refused.value.problems
    assert "CYCLE_TOKEN_SIGNING_KEY is not set" in refused.value.problems


def test_production_builds_with_keys_of_its_own(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CYCLE_ENVIRONMENT", "production")
    monkeypatch.setenv("CYCLE_NATIONAL_ID_KEY", "n" * 40)
    monkeypatch.setenv("CYCLE_TOKEN_SIGNING_KEY", "s" * 40)
    for create_app in SERVICES.values():
        create_app()
    assert ServiceSettings().environment == "production"
