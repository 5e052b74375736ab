from __future__ import annotations

import pytest

from services.recruitment.domain.identity import (
    credit_code_problem,
    masked_name,
    national_id_check_character,
    national_id_problem,
)
from tests.unit.recruitment.builders import credit_code

VALID_ID = "11010519491231002X"


def test_a_well_formed_national_id_has_no_problem() -> None:
    assert national_id_problem(VALID_ID) is None
    assert national_id_problem(" 11010519491231002x ") is None


@pytest.mark.parametrize(
    "value",
    ["110105194912310021", "1101051949123100", "11010519491331002X", "A1010519491231002X"],
    ids=["wrong check character", "too short", "no such birth date", "letters"],
)
def test_a_malformed_national_id_is_described_without_repeating_it(value: str) -> None:
    problem = national_id_problem(value)
    assert problem is not None
    assert value not in problem
    assert value[:6] not in problem


def test_the_check_character_follows_iso_7064_mod_11_2() -> None:
    assert national_id_check_character(VALID_ID[:17]) == "X"


def test_a_published_credit_code_is_valid_and_a_changed_one_is_not() -> None:
    assert credit_code_problem("91350100M000100Y43") is None
    assert credit_code_problem(credit_code(7)) is None
    assert "should be" in (credit_code_problem("91350100M000100Y44") or "")
    assert credit_code_problem("91350100M000100I43") is not None


@pytest.mark.parametrize(
    ("name", "masked"), [("王小明", "王**"), ("Li Wei", "L* W**"), ("A", "A*")], ids=["chinese", "latin", "one letter"]
)
def test_a_name_is_shown_masked(name: str, masked: str) -> None:
    assert masked_name(name) == masked
