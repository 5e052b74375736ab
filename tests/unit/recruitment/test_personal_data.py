"""The vault and the applicant model: personal data sealed, found again by digest, never echoed in errors."""

from __future__ import annotations

from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import ValidationError

from services.recruitment.adapters.vault import PersonalDataVault
from services.recruitment.application.commands.students import Applicant

NATIONAL_ID = "11010519491231002X"


def test_the_same_national_id_gives_the_same_digest_and_another_key_another_one() -> None:
    vault = PersonalDataVault("a-test-key-of-enough-length")
    assert vault.digest(NATIONAL_ID) == vault.digest(NATIONAL_ID.lower())
    assert vault.digest(NATIONAL_ID) != PersonalDataVault("another-test-key-of-length").digest(NATIONAL_ID)


def test_a_sealed_value_opens_only_for_its_own_student_and_field() -> None:
    vault = PersonalDataVault("a-test-key-of-enough-length")
    student = uuid4()
    sealed = vault.seal(student, "national_id", NATIONAL_ID)
    assert NATIONAL_ID.encode() not in sealed
    assert vault.open(student, "national_id", sealed) == NATIONAL_ID
    with pytest.raises(InvalidTag):
        vault.open(uuid4(), "national_id", sealed)
    with pytest.raises(InvalidTag):
        vault.open(student, "name", sealed)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        PersonalDataVault("short")


def test_an_invalid_national_id_is_reported_without_its_value() -> None:
    bad = "110105194912310021"
    with pytest.raises(ValidationError) as caught:
        Applicant(name="王小明", national_id=bad, household_registration="贵州省毕节市")
    assert bad not in str(caught.value)
    assert caught.value.errors()[0]["loc"] == ("national_id",)


def test_personal_data_is_kept_out_of_the_applicants_repr() -> None:
    applicant = Applicant(name="王小明", national_id=NATIONAL_ID, household_registration="贵州省毕节市")
    assert NATIONAL_ID not in repr(applicant)
    assert "王小明" not in repr(applicant)
