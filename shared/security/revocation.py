"""Which unexpired tokens no longer count: those of revoked clients, and those issued under a rotated secret.

Every service keeps this list in memory and reloads it every couple of seconds (`RevocationWatcher`), so a
revocation reaches all of them within one refresh interval without a database read per request. Polling a small
table rather than LISTEN/NOTIFY needs no dedicated connection and cannot miss a notification sent while a
listener reconnects. If the list cannot be reloaded for `max_staleness` seconds, `current` refuses to answer:
better a 503 than honouring a token revoked since.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import structlog

from shared.security.tokens import Claims, RevokedToken

log = structlog.get_logger(__name__)


class RevocationUnknown(Exception):
    """The revocation list is too old to trust."""


@dataclass(frozen=True)
class Revocations:
    revoked: frozenset[str] = frozenset()
    generations: Mapping[str, int] = field(default_factory=dict)

    def check(self, claims: Claims) -> None:
        if claims.client_id in self.revoked:
            raise RevokedToken("the client has been revoked")
        if claims.generation < self.generations.get(claims.client_id, 1):
            raise RevokedToken("the client's secret was rotated after this token was issued")


class RevocationWatcher:
    def __init__(
        self,
        load: Callable[[], Awaitable[Revocations]],
        *,
        interval: float,
        max_staleness: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._interval = interval
        self._max_staleness = max_staleness
        self._monotonic = monotonic
        self._current: Revocations | None = None
        self._loaded_at = 0.0

    @property
    def current(self) -> Revocations:
        if self._current is None or self._monotonic() - self._loaded_at > self._max_staleness:
            raise RevocationUnknown(f"revocations not reloaded for over {self._max_staleness:g} s")
        return self._current

    async def refresh(self) -> None:
        self._current = await self._load()
        self._loaded_at = self._monotonic()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.refresh()
            except Exception as error:  # any failure keeps the last list until it is too old to trust
                log.warning("revocations not reloaded", error=repr(error))
