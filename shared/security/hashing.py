"""Client secrets: generated here, stored only as argon2id hashes, verified off the event loop.

The secrets are 256 random bits, so no hash cost is needed against guessing them; the hash keeps a leaked table
from yielding usable secrets. Hence OWASP's minimum argon2id profile (19 MiB, 2 passes: ~75 ms here) rather than
argon2-cffi's default (64 MiB, 3 passes, 4 lanes: ~400 ms on the 2-core machine). Even so it runs in a worker
thread, at most `concurrency` at a time: a burst of token requests queues instead of freezing every other
request of the service or exhausting its memory. argon2's own verify compares digests in constant time;
`same_secret` does the same for secrets compared in the clear.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SECRET_BYTES = 32


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def same_secret(expected: str, sent: str) -> bool:
    """Constant-time equality; bytes, because `hmac.compare_digest` refuses non-ASCII str (a 500 in issue 10)."""
    return hmac.compare_digest(expected.encode(), sent.encode())


class SecretHasher:
    def __init__(self, hasher: PasswordHasher | None = None, *, concurrency: int = 2) -> None:
        self._hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
        self._slots = asyncio.Semaphore(concurrency)
        self._decoy: str | None = None

    async def hash(self, secret: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        """`secret_hash` None (no such client) still costs one argon2 verify, so timing does not tell whether
        a client id exists."""
        if secret_hash is None:
            self._decoy = self._decoy or await self.hash(new_secret())
            await self._check(self._decoy, secret)
            return False
        return await self._check(secret_hash, secret)

    async def _check(self, secret_hash: str, secret: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._matches, secret_hash, secret)

    def _matches(self, secret_hash: str, secret: str) -> bool:
        try:
            return self._hasher.verify(secret_hash, secret)
        except (VerificationError, InvalidHashError):
            return False
