"""Access tokens: what they claim, when they expire, and which tokens are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from shared.application.clock import FixedClock
from shared.security.identity import Client, Role, Scope
from shared.security.tokens import ExpiredToken, TokenCodec, TokenRefused

KEY = b"k" * 32
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def client(role: Role = Role.SCHOOL, **changes: object) -> Client:
    fields: dict[str, object] = {
        "client_id": f"{role.value}-{uuid4().hex[:8]}",
        "party_id": None if role is Role.OPERATOR else uuid4(),
        "role": role,
        "name": "registry",
        "scopes": frozenset(),
        "secret_hash": "$argon2id$unused",
        "created_at": NOW,
    }
    return Client(**{**fields, **changes})  # type: ignore[arg-type]


def codec(clock: FixedClock, key: bytes = KEY) -> TokenCodec:
    return TokenCodec(key, timedelta(minutes=5), clock)


def test_a_token_claims_its_client_party_role_scopes_and_secret_generation():
    clock = FixedClock(NOW)
    school = client(scopes=frozenset({Scope.PERSONAL_DATA}), generation=3)

    token = codec(clock).issue(school, school.scopes)
    claims = codec(clock).read(token.value)

    assert token.expires_in == 300
    assert (claims.client_id, claims.party_id, claims.role) == (school.client_id, school.party_id, Role.SCHOOL)
    assert (claims.scopes, claims.generation) == (frozenset({Scope.PERSONAL_DATA}), 3)
    assert claims.expires_at - claims.issued_at == 300
    assert claims.actor.party_id == school.party_id


def test_an_operator_token_names_no_party():
    clock = FixedClock(NOW)
    claims = codec(clock).read(codec(clock).issue(client(Role.OPERATOR), frozenset({Scope.IMPORT})).value)
    assert claims.party_id is None
    assert claims.actor.is_operator
    assert claims.actor.may(Scope.IMPORT)


def test_a_token_expires_after_its_lifetime():
    clock = FixedClock(NOW)
    token = codec(clock).issue(client(), frozenset())

    clock.at = NOW + timedelta(minutes=5) - timedelta(seconds=1)
    codec(clock).read(token.value)
    clock.at = NOW + timedelta(minutes=5)
    with pytest.raises(ExpiredToken):
        codec(clock).read(token.value)


def test_a_token_signed_with_another_key_is_refused():
    clock = FixedClock(NOW)
    forged = codec(clock, b"x" * 32).issue(client(), frozenset())
    with pytest.raises(TokenRefused) as refused:
        codec(clock).read(forged.value)
    assert refused.value.code == "invalid_token"


def test_an_unsigned_token_is_refused():
    payload = {"iss": "cycle", "aud": "cycle", "sub": "x", "jti": "1", "iat": 0, "exp": 2**40, "role": "operator"}
    unsigned = jwt.encode({**payload, "gen": 1}, None, algorithm="none")
    with pytest.raises(TokenRefused):
        codec(FixedClock(NOW)).read(unsigned)


def test_a_token_with_an_altered_claim_is_refused():
    clock = FixedClock(NOW)
    header, payload, signature = codec(clock).issue(client(), frozenset()).value.split(".")
    _, other_payload, _ = codec(clock).issue(client(Role.OPERATOR), frozenset()).value.split(".")
    with pytest.raises(TokenRefused):
        codec(clock).read(f"{header}.{other_payload}.{signature}")


def test_a_token_for_another_audience_is_refused():
    claims = {"iss": "cycle", "aud": "elsewhere", "sub": "x", "jti": "1", "iat": 0, "exp": 2**40}
    foreign = jwt.encode({**claims, "role": "school", "gen": 1}, KEY, algorithm="HS256")
    with pytest.raises(TokenRefused):
        codec(FixedClock(NOW)).read(foreign)


@pytest.mark.parametrize("garbage", ["", "a.b.c", "x" * 5000, "é.é.é", "Bearer"])
def test_garbage_is_refused_as_an_invalid_token(garbage: str):
    with pytest.raises(TokenRefused):
        codec(FixedClock(NOW)).read(garbage)


def test_a_token_read_again_by_the_same_codec_still_expires():
    clock = FixedClock(NOW)
    reader = codec(clock)
    token = reader.issue(client(), frozenset())

    first = reader.read(token.value)
    assert reader.read(token.value) == first  # its signature checked once, its claims kept
    clock.at = NOW + timedelta(minutes=5)
    with pytest.raises(ExpiredToken):
        reader.read(token.value)


def test_a_refused_token_is_refused_every_time_beside_kept_ones():
    clock = FixedClock(NOW)
    reader = codec(clock)
    good = reader.issue(client(), frozenset()).value
    header, payload, signature = good.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"

    reader.read(good)
    for _ in range(2):
        with pytest.raises(TokenRefused):
            reader.read(forged)
    with pytest.raises(TokenRefused):
        codec(clock, b"x" * 32).read(good)  # another key's codec keeps nothing of this one's
