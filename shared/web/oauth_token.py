"""`POST /oauth/token`: the client-credentials grant over HTTP (RFC 6749 §2.3.1, §4.4, §5).

The body is parsed here, not by FastAPI's form support (which needs python-multipart): a token request is a few
hundred bytes of `application/x-www-form-urlencoded`, read with a hard size cap and refused whole when a
parameter repeats. Refusals are RFC 6749 error bodies with `Cache-Control: no-store`, as OAuth clients expect.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, Field

from shared.security.audit import address_or_none
from shared.security.grants import InvalidClient, InvalidScope, TokenRequest
from shared.security.runtime import Identity
from shared.security.tokens import scope_text

TOKEN_URL = "/oauth/token"
REALM = "cycle"
MAX_TOKEN_REQUEST_BYTES = 4096
MAX_CLIENT_ID_LENGTH = 64
MAX_SECRET_LENGTH = 256
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1


def identity_of(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


def client_address(request: Request) -> str | None:
    return address_or_none(request.client.host if request.client else None)


class TokenForm(BaseModel):
    grant_type: str = Field(examples=["client_credentials"])
    client_id: str | None = Field(default=None, description="Or send the id and secret with HTTP Basic")
    client_secret: str | None = None
    scope: str | None = Field(default=None, description="Space-separated; all of the client's scopes when omitted")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(description="Seconds", examples=[300])
    scope: str = Field(description="Space-separated scopes of the token", examples=[""])


class OAuthError(BaseModel):
    """RFC 6749 §5.2."""

    error: str = Field(examples=["invalid_client"])
    error_description: str | None = None


class _OAuthRefusal(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> JSONResponse:
        headers = dict(_NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = f'Basic realm="{REALM}"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(status_code=self.status, content=body, headers=headers)


def _invalid_request(description: str) -> _OAuthRefusal:
    return _OAuthRefusal(400, "invalid_request", description)


async def _form(request: Request) -> dict[str, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise _invalid_request("send the parameters as application/x-www-form-urlencoded")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_TOKEN_REQUEST_BYTES:
            raise _invalid_request(f"a token request has at most {MAX_TOKEN_REQUEST_BYTES} bytes")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True, max_num_fields=8)
    except (UnicodeDecodeError, ValueError) as error:
        raise _invalid_request("the body is not a well-formed UTF-8 form") from error
    form = dict(pairs)
    if len(form) != len(pairs):
        raise _invalid_request("a parameter was sent more than once")  # RFC 6749 §3.2
    return form


def _basic(authorization: str | None) -> tuple[str, str] | None:
    """RFC 6749 §2.3.1: id and secret are form-encoded, joined by a colon, then base64-encoded."""
    scheme, encoded = get_authorization_scheme_param(authorization)
    if not authorization or scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise _OAuthRefusal(401, "invalid_client", "the Basic credentials are not base64 of id:secret") from error
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _OAuthRefusal(401, "invalid_client", "the Basic credentials are not base64 of id:secret")
    return unquote_plus(client_id), unquote_plus(secret)


def _credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    basic = _basic(request.headers.get("authorization"))
    if basic is not None and "client_secret" in form:
        raise _invalid_request("authenticate the client one way: HTTP Basic or the form, not both")
    client_id, secret = basic or (form.get("client_id"), form.get("client_secret"))
    if not client_id or secret is None:
        raise _OAuthRefusal(401, "invalid_client", "client authentication is required")
    if len(client_id) > MAX_CLIENT_ID_LENGTH or len(secret) > MAX_SECRET_LENGTH:
        raise _OAuthRefusal(401, "invalid_client", "client authentication failed")
    return client_id, secret


async def _token(request: Request) -> TokenOut:
    form = await _form(request)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise _invalid_request("grant_type is required")
    if grant_type != "client_credentials":
        raise _OAuthRefusal(400, "unsupported_grant_type", "only client_credentials is granted here")
    client_id, secret = _credentials(request, form)
    token_request = TokenRequest(client_id, secret, form.get("scope"), client_address(request))
    try:
        token = await identity_of(request).grant.issue(token_request)
    except InvalidClient as error:
        raise _OAuthRefusal(401, "invalid_client", str(error)) from error
    except InvalidScope as error:
        raise _OAuthRefusal(400, "invalid_scope", str(error)) from error
    return TokenOut(
        access_token=token.value, token_type="Bearer", expires_in=token.expires_in, scope=scope_text(token.scopes)
    )


def token_router() -> APIRouter:
    router = APIRouter(tags=["security"])
    form_schema = TokenForm.model_json_schema()
    oauth_errors: dict[int | str, dict[str, Any]] = {
        400: {"model": OAuthError, "description": "invalid_request, unsupported_grant_type or invalid_scope"},
        401: {"model": OAuthError, "description": "invalid_client: unknown id, wrong secret or revoked client"},
    }

    @router.post(
        TOKEN_URL,
        response_model=TokenOut,
        summary="Exchange a client id and secret for a short-lived access token (client credentials)",
        responses=oauth_errors,
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form_schema}}}
        },
    )
    async def post_token(request: Request) -> JSONResponse:
        try:
            token = await _token(request)
        except _OAuthRefusal as refusal:
            return refusal.response()
        return JSONResponse(content=token.model_dump(), headers=_NO_STORE)

    return router
