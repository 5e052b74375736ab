"""A bearer token in, the actor it stands for out: signature, expiry, then the revocation list."""

from __future__ import annotations

from shared.security.identity import Actor
from shared.security.revocation import RevocationWatcher
from shared.security.tokens import TokenCodec


class TokenVerifier:
    def __init__(self, codec: TokenCodec, revocations: RevocationWatcher) -> None:
        self._codec = codec
        self._revocations = revocations

    def verify(self, token: str) -> Actor:
        """Raises `TokenRefused` (invalid, expired, revoked) or `RevocationUnknown`."""
        claims = self._codec.read(token)
        self._revocations.current.check(claims)
        return claims.actor
