"""HTTP side of identity (issue 10): `POST /oauth/token` (RFC 6749 §4.4, client credentials) and the bearer
check every secured operation runs (RFC 6750), declared in OpenAPI as an OAuth2 client-credentials scheme.

A service calls `install_auth(app)` once and includes each router as `secured(router)`; `/health`, `/docs` and
`/openapi.json` stay open because they are not in a secured router. Refusals of a secured operation are problem
details (401 with `WWW-Authenticate: Bearer`); the token endpoint (oauth_token.py) answers with RFC 6749's own
error bodies, which OAuth client libraries parse.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2, SecurityScopes
from fastapi.security.utils import get_authorization_scheme_param

from shared.security.audit import AuditEntry
from shared.security.identity import SCOPE_DESCRIPTIONS, Actor, Scope
from shared.security.revocation import RevocationUnknown
from shared.security.tokens import TokenRefused
from shared.web.oauth_token import REALM, TOKEN_URL, client_address, identity_of, token_router
from shared.web.problems import PROBLEM_JSON, ProblemDetails, Unavailable, problem, problem_response

oauth2 = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL, scopes=SCOPE_DESCRIPTIONS)),
    scheme_name="clientCredentials",
    description="A party's client id and secret (from `cycle clients add`) exchanged at /oauth/token for a "
    "short-lived bearer token.",
    auto_error=False,
)


class Unauthenticated(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    @property
    def challenge(self) -> str:
        if self.code == "missing_token":  # RFC 6750 §3.1: no error code when no credential was sent
            return f'Bearer realm="{REALM}"'
        return f'Bearer realm="{REALM}", error="invalid_token", error_description="{self.detail}"'


def actor_of(request: Request) -> Actor | None:
    """The actor `current_actor` verified for this request, for adapters that hand commands to the pipeline."""
    actor: Actor | None = getattr(request.state, "actor", None)
    return actor


class InsufficientScope(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"this operation needs the scope {' '.join(missing)}")
        self.missing = missing


async def current_actor(
    request: Request, required: SecurityScopes, authorization: Annotated[str | None, Security(oauth2)]
) -> Actor:
    """The verified caller; 403 when the operation declares a scope (`requires`) the token lacks."""
    actor = actor_of(request) or await _authenticate(request, authorization)
    missing = sorted(set(required.scopes) - actor.scopes)
    if missing:
        raise InsufficientScope(missing)
    return actor


async def _authenticate(request: Request, authorization: str | None) -> Actor:
    """Once per request, however many dependencies ask (a router's and a route's): one audit row."""
    if not authorization:
        raise Unauthenticated("missing_token", "send Authorization: Bearer <token> from /oauth/token")
    scheme, token = get_authorization_scheme_param(authorization)
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("invalid_token", "the Authorization header is not a bearer token")
    identity = identity_of(request)
    try:
        actor = identity.verifier.verify(token)
    except TokenRefused as refused:
        raise Unauthenticated(refused.code, refused.detail) from refused
    except RevocationUnknown as unknown:
        raise Unavailable("tokens cannot be checked against revocations right now; retry later") from unknown
    request.state.actor = actor
    limits = getattr(request.app.state, "rate_limits", None)
    if limits is not None:
        limits.check(actor.client_id)
    if identity.settings.audit_requests:
        entry = AuditEntry.of_request(
            actor, request.method, request.url.path, identity.clock.now(), client_address(request)
        )
        await identity.audit.record(entry)
    return actor


CurrentActor = Annotated[Actor, Security(current_actor)]


def requires(scope: Scope) -> Any:
    """A route's dependency (`Annotated[Actor, requires(Scope.IMPORT)]`), declared in OpenAPI as well."""
    return Security(current_actor, scopes=[scope.value])


def _documented(description: str) -> dict[str, Any]:
    return {"model": ProblemDetails, "description": description, "content": {PROBLEM_JSON: {}}}


UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    400: _documented("The body is not UTF-8 or not well-formed JSON"),
    401: _documented("No bearer token, or one that is malformed, expired or revoked"),
    403: _documented("The token lacks a scope the operation declares, or the client may not record this fact"),
    413: _documented("The body is larger than the operation accepts"),
    415: _documented("The body is not JSON"),
    422: _documented("Invalid fields: NUL characters, numbers out of range, text too long, nesting too deep"),
    429: _documented("Over the client's rate limit; retry after Retry-After seconds"),
    503: _documented("Revocations could not be reloaded lately, the database is away, or the request timed out"),
}


def secured(router: APIRouter, *, open_paths: Collection[str] = ()) -> APIRouter:
    """`router` with every operation requiring a bearer token, and declaring so in OpenAPI; the routes of
    `open_paths` (a health check living in the same router) stay as they are."""
    guarded = APIRouter(dependencies=[Security(current_actor)], responses=UNAUTHENTICATED)
    if not open_paths:
        guarded.include_router(router)
        return guarded
    opened, closed = APIRouter(), APIRouter()
    for route in router.routes:  # each route already carries its router's prefix, tags and dependencies
        (opened if getattr(route, "path", None) in open_paths else closed).routes.append(route)
    guarded.include_router(closed)
    opened.include_router(guarded)
    return opened


async def _unauthenticated(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, Unauthenticated):
        raise error
    return problem_response(problem(401, error.code, error.detail), {"WWW-Authenticate": error.challenge})


async def _insufficient_scope(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, InsufficientScope):
        raise error
    challenge = f'Bearer realm="{REALM}", error="insufficient_scope", scope="{" ".join(error.missing)}"'
    return problem_response(problem(403, "insufficient_scope", str(error)), {"WWW-Authenticate": challenge})


def install_auth(app: FastAPI) -> None:
    """The token endpoint and the answers to unauthenticated calls; `app.state.identity` is set by the lifespan
    (`shared.security.runtime.open_identity`)."""
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(InsufficientScope, _insufficient_scope)
    app.include_router(token_router())
