"""Every operation of a secured router declares the client-credentials scheme; health, docs and the token
endpoint do not."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI

from shared.security.identity import Actor, Scope
from shared.web.auth import CurrentActor, install_auth, requires, secured


def app() -> FastAPI:
    application = FastAPI()
    install_auth(application)
    router = APIRouter()

    @router.get("/partnerships/{partnership_id}")
    async def read(partnership_id: str) -> dict[str, str]:
        return {"id": partnership_id}

    @router.post("/partnerships")
    async def write() -> dict[str, str]:
        return {}

    @router.post("/admin/import")
    async def import_facts(actor: Annotated[Actor, requires(Scope.IMPORT)]) -> dict[str, str]:
        return {"client_id": actor.client_id}

    @application.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @application.get("/whoami")
    async def whoami(actor: CurrentActor) -> dict[str, str]:
        return {"client_id": actor.client_id}

    application.include_router(secured(router))
    return application


def test_the_scheme_is_oauth2_client_credentials_with_the_token_url():
    scheme = app().openapi()["components"]["securitySchemes"]["clientCredentials"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == {"personal_data", "import"}


def test_secured_operations_declare_security_and_their_401_and_open_ones_do_not():
    paths = app().openapi()["paths"]
    for path, method in [("/partnerships/{partnership_id}", "get"), ("/partnerships", "post"), ("/whoami", "get")]:
        operation = paths[path][method]
        assert operation["security"] == [{"clientCredentials": []}], path
    for path, method in [("/partnerships/{partnership_id}", "get"), ("/partnerships", "post")]:
        assert "401" in paths[path][method]["responses"]
    assert "security" not in paths["/health"]["get"]
    assert "security" not in paths["/oauth/token"]["post"]


def test_the_token_endpoint_documents_its_form_body_and_rfc_6749_errors():
    operation = app().openapi()["paths"]["/oauth/token"]["post"]
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"grant_type", "client_id", "client_secret", "scope"} <= set(form["properties"])
    assert {"200", "400", "401"} <= set(operation["responses"])


def test_an_operation_that_requires_a_scope_declares_it():
    operation = app().openapi()["paths"]["/admin/import"]["post"]
    assert {"clientCredentials": ["import"]} in operation["security"]
    assert "403" in operation["responses"]
