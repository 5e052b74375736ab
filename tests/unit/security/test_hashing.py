"""Secrets are stored as argon2id hashes, verified off the event loop, and compared in constant time."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher

from shared.security.hashing import SecretHasher, new_secret, same_secret
from tests.unit.security.fakes import cheap_hasher


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


async def test_a_secret_verifies_against_its_hash_and_nothing_else():
    hasher, secret = cheap_hasher(), new_secret()
    stored = await hasher.hash(secret)

    assert stored.startswith("$argon2id$")
    assert secret not in stored
    assert await hasher.verify(stored, secret)
    assert not await hasher.verify(stored, secret + "x")
    assert not await hasher.verify(stored, "")


async def test_an_unknown_client_costs_one_argon2_verify_like_a_known_one_and_never_matches():
    counting = CountingHasher()
    hasher = SecretHasher(counting)

    assert not await hasher.verify(None, new_secret())
    assert counting.verified == 1


async def test_a_malformed_stored_hash_is_a_mismatch_not_an_error():
    assert not await cheap_hasher().verify("not-an-argon2-hash", "secret")


async def test_verifying_leaves_the_event_loop_free_for_other_requests():
    hasher = SecretHasher(PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1))
    stored = await hasher.hash("s3cret")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        assert await hasher.verify(stored, "s3cret")
    finally:
        ticker.cancel()
    assert ticks >= 3


def test_same_secret_compares_equal_and_unequal_secrets_of_any_length_and_script():
    assert same_secret("s3cret", "s3cret")
    assert not same_secret("s3cret", "s3cre")
    assert not same_secret("s3cret", "")
    assert same_secret("密钥-ключ", "密钥-ключ")
    assert not same_secret("s3cret", "密钥")


def test_new_secrets_are_long_and_distinct():
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(len(s) >= 43 for s in secrets)
