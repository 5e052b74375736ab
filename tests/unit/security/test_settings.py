"""In production a service refuses keys anyone can read in this repository, and an empty operator secret."""

from __future__ import annotations

import pytest

from shared.security.settings import (
    DEVELOPMENT_NATIONAL_ID_KEY,
    SecuritySettings,
    UnsafeConfiguration,
    refuse_unsafe,
)

SAFE_KEY = "s" * 40


def production(**variables: str) -> SecuritySettings:
    return SecuritySettings(CYCLE_ENVIRONMENT="production", **variables)


def test_development_starts_with_the_development_keys():
    refuse_unsafe(SecuritySettings(), national_id_key=DEVELOPMENT_NATIONAL_ID_KEY, operator_token="")


def test_production_starts_with_keys_of_its_own():
    refuse_unsafe(production(CYCLE_TOKEN_SIGNING_KEY=SAFE_KEY), national_id_key=SAFE_KEY, operator_token=None)
    refuse_unsafe(production(CYCLE_TOKEN_SIGNING_KEY=SAFE_KEY), national_id_key=SAFE_KEY, operator_token=SAFE_KEY)


@pytest.mark.parametrize(
    ("signing_key", "national_id_key", "operator_token", "problem"),
    [
        (SAFE_KEY, DEVELOPMENT_NATIONAL_ID_KEY, None, "CYCLE_NATIONAL_ID_KEY is the development key"),
        (None, SAFE_KEY, None, "CYCLE_TOKEN_SIGNING_KEY is not set"),
        ("short", SAFE_KEY, None, "CYCLE_TOKEN_SIGNING_KEY has fewer than 32 characters"),
        (SAFE_KEY, SAFE_KEY, "", "CYCLE_OPERATOR_TOKEN is empty"),
        (SAFE_KEY, SAFE_KEY, "   ", "CYCLE_OPERATOR_TOKEN is empty"),
    ],
)
def test_production_refuses_to_start(
    signing_key: str | None, national_id_key: str, operator_token: str | None, problem: str
):
    settings = production(CYCLE_TOKEN_SIGNING_KEY=signing_key) if signing_key else production()
    with pytest.raises(UnsafeConfiguration) as refused:
        refuse_unsafe(settings, national_id_key=national_id_key, operator_token=operator_token)
    assert refused.value.problems == [problem]


def test_every_problem_is_listed_at_once():
    with pytest.raises(UnsafeConfiguration) as refused:
        refuse_unsafe(production(), national_id_key=DEVELOPMENT_NATIONAL_ID_KEY, operator_token="")
    assert len(refused.value.problems) == 3
