"""Access tokens of the client-credentials grant (RFC 6749 §4.4): HS256 JWTs with RFC 9068's claim names.

They live minutes, so a leaked one is worth little, and verifying one is an HMAC (once a token: its claims are kept),
not a database read; the minutes a revoked client's token would still live are covered by revocation.py. Expiry is
checked against the injected clock, not PyJWT's, so the rules are unit tests with a fixed time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid4

import jwt

from shared.application.clock import Clock
from shared.security.identity import Actor, Client, Role, Scope

ISSUER = "cycle"
SIGNED_KEPT = 4096  # tokens whose signature was checked, kept (the least recently used go first)
AUDIENCE = "cycle"
ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 4096
_REQUIRED = ["iss", "aud", "sub", "jti", "iat", "exp", "role", "gen"]


class TokenRefused(Exception):
    code = "invalid_token"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ExpiredToken(TokenRefused):
    code = "expired_token"


class RevokedToken(TokenRefused):
    code = "revoked_token"


@dataclass(frozen=True)
class Claims:
    token_id: str
    client_id: str
    party_id: UUID | None
    role: Role
    scopes: frozenset[Scope]
    generation: int
    issued_at: int
    expires_at: int

    @property
    def actor(self) -> Actor:
        return Actor(self.client_id, self.party_id, self.role, self.scopes)


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: int
    scopes: frozenset[Scope]


def scope_text(scopes: frozenset[Scope]) -> str:
    return " ".join(sorted(scopes))


class TokenCodec:
    def __init__(self, signing_key: bytes, lifetime: timedelta, clock: Clock) -> None:
        self._key = signing_key
        self._lifetime = int(lifetime.total_seconds())
        self._clock = clock
        # A client sends its token with every request until it expires: its signature and claims are read once
        # (PyJWT took about 100 µs a request); expiry and revocation are still checked at every request.
        self._signed = lru_cache(maxsize=SIGNED_KEPT)(self._signed_claims)

    def issue(self, client: Client, scopes: frozenset[Scope]) -> AccessToken:
        now = int(self._clock.now().timestamp())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": client.client_id,
            "jti": uuid4().hex,
            "iat": now,
            "exp": now + self._lifetime,
            "role": client.role.value,
            "gen": client.generation,
            "scope": scope_text(scopes),
        }
        if client.party_id is not None:
            claims["party"] = str(client.party_id)
        return AccessToken(jwt.encode(claims, self._key, algorithm=ALGORITHM), self._lifetime, scopes)

    def read(self, token: str) -> Claims:
        """The claims of a token this product signed and that has not expired; `TokenRefused` otherwise."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRefused("the token is longer than any this service issues")
        claims = self._signed(token)
        if self._clock.now().timestamp() >= claims.expires_at:
            raise ExpiredToken("the token has expired; request a new one at /oauth/token")
        return claims

    def _signed_claims(self, token: str) -> Claims:
        """The claims of a token this product signed, expired or not; a refusal is raised, and not kept."""
        try:
            raw = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": _REQUIRED, "verify_exp": False, "verify_iat": False},
            )
            return _claims(raw)
        except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as error:
            raise TokenRefused("the token is malformed or not signed by this product") from error


def _claims(raw: dict[str, Any]) -> Claims:
    party = raw.get("party")
    return Claims(
        token_id=str(raw["jti"]),
        client_id=str(raw["sub"]),
        party_id=UUID(party) if party is not None else None,
        role=Role(raw["role"]),
        scopes=frozenset(Scope(s) for s in str(raw.get("scope", "")).split()),
        generation=int(raw["gen"]),
        issued_at=int(raw["iat"]),
        expires_at=int(raw["exp"]),
    )
