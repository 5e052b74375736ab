"""Idempotency-Key: the first answer to a key is stored with the command's effects and replayed for repeats.

The key row is written in the command's own transaction, so either both the effect and the answer exist or
neither does. A repeat with another body is a 409 (the key was reused for a different command).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from shared.web.errors import Conflict


def fingerprint(method: str, path: str, body: Any, key: bytes) -> bytes:
    """Keyed, so a stored fingerprint of a body with personal data cannot be tested against guesses."""
    canonical = json.dumps([method, path, body], sort_keys=True, default=str)
    return hmac.digest(key, canonical.encode(), "sha256")


async def run_once(
    conn: asyncpg.Connection,
    key: str | None,
    print_: bytes,
    command: Callable[[], Awaitable[tuple[int, Any]]],
) -> tuple[int, Any]:
    """Run `command` inside the caller's transaction unless `key` already has an answer."""
    if key is None:
        return await command()
    await conn.execute("SELECT pg_advisory_xact_lock(2, hashtext($1))", key)
    seen = await conn.fetchrow("SELECT fingerprint, status_code, body FROM idempotency_keys WHERE key = $1", key)
    if seen is not None:
        if bytes(seen["fingerprint"]) != print_:
            raise Conflict(f"Idempotency-Key {key!r} was used for a different request")
        return seen["status_code"], json.loads(seen["body"])
    status, body = await command()
    await conn.execute(
        "INSERT INTO idempotency_keys (key, fingerprint, status_code, body) VALUES ($1, $2, $3, $4::jsonb)",
        key,
        print_,
        status,
        json.dumps(body, default=str),
    )
    return status, body
