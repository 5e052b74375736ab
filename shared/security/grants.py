"""The client-credentials grant (RFC 6749 §4.4): a client id and secret in, a short-lived access token out.

Every refusal looks the same to the caller (RFC 6749's `invalid_client`), whether the id is unknown, the secret
wrong or the client revoked; only the audit trail says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.application.clock import Clock
from shared.security.audit import AuditAction, AuditEntry
from shared.security.hashing import SecretHasher
from shared.security.identity import Client, Scope
from shared.security.ports import AuditTrail, ClientRepository
from shared.security.tokens import AccessToken, TokenCodec


class InvalidClient(Exception):
    """Client authentication failed (RFC 6749 §5.2)."""


class InvalidScope(Exception):
    """A requested scope is unknown or not granted to the client (RFC 6749 §5.2)."""


@dataclass(frozen=True)
class TokenRequest:
    client_id: str
    secret: str
    scope: str | None
    address: str | None


class ClientCredentialsGrant:
    def __init__(
        self, clients: ClientRepository, audit: AuditTrail, hasher: SecretHasher, codec: TokenCodec, clock: Clock
    ) -> None:
        self._clients = clients
        self._audit = audit
        self._hasher = hasher
        self._codec = codec
        self._clock = clock

    async def issue(self, request: TokenRequest) -> AccessToken:
        client = await self._clients.get(request.client_id)
        matches = await self._hasher.verify(client.secret_hash if client else None, request.secret)
        if client is None or not matches or not client.active:
            reason = "unknown client" if client is None else "wrong secret" if not matches else "revoked client"
            await self._record(client, AuditAction.TOKEN_REFUSED, request, detail=reason)
            raise InvalidClient("client authentication failed")
        scopes = _granted(client, request.scope)
        token = self._codec.issue(client, scopes)
        await self._record(client, AuditAction.TOKEN_ISSUED, request, detail=None)
        return token

    async def _record(
        self, client: Client | None, action: AuditAction, request: TokenRequest, *, detail: str | None
    ) -> None:
        actor = client.acting(client.scopes) if client is not None else None
        await self._audit.record(
            AuditEntry.by(actor, action, self._clock.now(), address=request.address, detail=detail)
        )


def _granted(client: Client, requested: str | None) -> frozenset[Scope]:
    """All of the client's scopes when none are asked for (RFC 6749 §3.3 lets the server pick a default)."""
    if requested is None or not requested.strip():
        return client.scopes
    names = set(requested.split())
    known = {scope for scope in client.scopes if scope.value in names}
    if len(known) != len(names):
        raise InvalidScope("a requested scope is not granted to this client")
    return frozenset(known)
