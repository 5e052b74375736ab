"""The calling side of the client-credentials grant, for httpx: what a party's system (the simulator, the tests,
an integrator's script) attaches to its client to call the services.

`ClientCredentials` gets a token at the called service's `/oauth/token`, sends it as `Authorization: Bearer`,
gets a new one shortly before it expires, and once more when a call answers 401 (a token of a rotated secret, or
a service restarted with another key). One token request at a time per credential: a burst of calls waits for
the one token instead of each paying for an argon2 verify.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

import httpx

TOKEN_PATH = "/oauth/token"


class TokenNotIssued(Exception):
    """The token endpoint refused the credential (RFC 6749 §5.2 error in the message); `status` is its answer's,
    so a caller can retry a 503 (the service's database away) and not a 401."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Credential:
    client_id: str
    secret: str


class ClientCredentials(httpx.Auth):
    def __init__(
        self,
        credential: Credential,
        *,
        scope: str | None = None,
        refresh_margin: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credential = credential
        self._scope = scope
        self._margin = refresh_margin
        self._monotonic = monotonic
        self._token: str | None = None
        self._fresh_until = 0.0
        self._lock: asyncio.Lock | None = None

    def _stale(self) -> bool:
        return self._token is None or self._monotonic() >= self._fresh_until

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credential.client_id,
            "client_secret": self.credential.secret,
        }
        if self._scope:
            form["scope"] = self._scope
        return httpx.Request("POST", request.url.join(TOKEN_PATH), data=form)

    def _keep(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            message = f"{self.credential.client_id}: {response.status_code} {response.text[:300]}"
            raise TokenNotIssued(message, response.status_code)
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body["expires_in"])
        self._fresh_until = self._monotonic() + max(lifetime - self._margin, lifetime / 2)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        for attempt in range(2):
            if self._stale():
                self._lock = self._lock or asyncio.Lock()
                async with self._lock:
                    if self._stale():
                        token_response = yield self._token_request(request)
                        await token_response.aread()
                        self._keep(token_response)
            request.headers["Authorization"] = f"Bearer {self._token}"
            response = yield request
            if response.status_code != 401 or attempt:
                return
            self._token = None  # refused: rotated, or signed with another key; ask once more
