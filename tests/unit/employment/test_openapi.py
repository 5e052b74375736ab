from typing import Any

import pytest

from services.employment.app import create_app
from shared.config import ServiceSettings


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(ServiceSettings()).openapi()


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_command_documents_its_body_with_an_example_and_its_answer_with_a_model(document):
    commands = [
        (path, op)
        for path, ops in document["paths"].items()
        for verb, op in ops.items()
        if verb == "post"
        and path != "/oauth/token"  # a form body with RFC 6749's answers (shared/web/oauth_token.py)
        and path != "/events"  # CloudEvents bodies, documented in shared/web/cloudevents.py
    ]
    assert len(commands) == 10
    for path, op in commands:
        body = _schema(document, op["requestBody"]["content"]["application/json"]["schema"]["$ref"])
        if path == "/admin/import":  # the shared import's body is a list of this service's facts: one has the example
            body = _schema(document, body["properties"]["facts"]["items"]["$ref"])
        has_example = "examples" in body or all(
            "examples" in field or "$ref" in field or "anyOf" in field or "default" in field
            for field in body["properties"].values()
        )
        assert has_example, f"{path} has no example"
        answers = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert answers, path
        for answer in answers.values():
            assert "$ref" in answer["content"]["application/json"]["schema"], path


def test_every_read_has_a_response_model(document):
    reads = [(path, op) for path, ops in document["paths"].items() for verb, op in ops.items() if verb == "get"]
    for path, op in reads:
        if path == "/health":
            continue
        schema = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, path


def test_a_held_answer_is_documented_for_the_facts_only_a_graduate_can_have(document):
    for path in ("/students/{student_id}/placements", "/students/{student_id}/offers", "/offers/{offer_id}/answer"):
        assert "202" in document["paths"][path]["post"]["responses"]
