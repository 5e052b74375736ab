from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from services.recruitment.domain import partnerships as rules
from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.parties import register_party
from services.recruitment.domain.partnerships import Amendment, Membership
from shared.contracts.partnership import (
    Comparison,
    FundingSource,
    PartnershipAmended,
    PartnershipKind,
    PartnershipSigned,
    PartyRole,
)
from tests.unit.recruitment.builders import DAY, credit_code, partnership, party


def signed(**fields: object) -> PartnershipSigned:
    return PartnershipSigned.model_validate({"name": "Guangzhou-Bijie", "valid_from": date(2025, 1, 1), **fields})


def test_an_enterprise_cannot_be_registered_without_its_credit_code() -> None:
    with pytest.raises(ImpossibleFact, match="credit code"):
        register_party(uuid4(), "Xinwanda", PartyRole.ENTERPRISE, party().region, "Guangzhou", None)


def test_a_credit_code_with_a_wrong_check_character_is_refused() -> None:
    code = credit_code(3)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ImpossibleFact, match="check character"):
        register_party(uuid4(), "Xinwanda", PartyRole.ENTERPRISE, party().region, "Guangzhou", wrong)


def test_an_agreement_cannot_expire_before_it_starts() -> None:
    with pytest.raises(ImpossibleFact, match="before valid_from"):
        rules.sign(signed(valid_until=date(2024, 12, 31)), uuid4(), None)


def test_retention_checkpoints_must_ascend_without_repeats() -> None:
    with pytest.raises(ImpossibleFact, match="ascending"):
        rules.sign(signed(retention_checkpoints=[180, 90]), uuid4(), None)


def test_a_parent_must_be_an_alliance_or_a_programme() -> None:
    with pytest.raises(IllegalMove, match="a parent is an alliance"):
        rules.sign(signed(), uuid4(), partnership(PartnershipKind.PARTNERSHIP))
    assert rules.sign(signed(), uuid4(), partnership(PartnershipKind.ALLIANCE))


def test_an_amendment_cannot_make_a_partnership_its_own_ancestor() -> None:
    child = partnership(PartnershipKind.ALLIANCE)
    parent = partnership(PartnershipKind.ALLIANCE)
    change = PartnershipAmended(parent_id=parent.partnership_id)
    with pytest.raises(IllegalMove, match="own ancestor"):
        rules.amend(child, change, parent, [uuid4(), child.partnership_id])


def test_an_ended_partnership_cannot_be_amended_or_ended_again() -> None:
    ended = partnership(ended_on=DAY)
    with pytest.raises(IllegalMove, match="ended"):
        rules.amend(ended, PartnershipAmended(name="new"), None, [])
    with pytest.raises(IllegalMove, match="already ended"):
        rules.end(ended, DAY, "expired")


def test_an_empty_amendment_is_refused() -> None:
    with pytest.raises(ImpossibleFact, match="at least one field"):
        rules.amend(partnership(), PartnershipAmended(), None, [])


def test_amendments_apply_in_business_order_whatever_order_they_arrived_in() -> None:
    base = partnership()
    late_recorded_but_earlier = Amendment(
        uuid4(), date(2025, 2, 1), datetime(2025, 6, 1, tzinfo=UTC), PartnershipAmended(name="first")
    )
    later = Amendment(uuid4(), date(2025, 3, 1), datetime(2025, 3, 1, tzinfo=UTC), PartnershipAmended(name="second"))
    assert rules.current_terms(base, [later, late_recorded_but_earlier]).name == "second"


def test_a_member_joining_twice_is_a_duplicate() -> None:
    school = party()
    with pytest.raises(DuplicateFact, match="already a member"):
        rules.join(partnership(), school, Membership(school.party_id, "member", DAY), "member", DAY)


def test_member_joined_carries_the_party_as_it_is() -> None:
    sponsor = party(PartyRole.ENTERPRISE)
    joined = rules.join(partnership(), sponsor, None, "sponsor", DAY)
    assert (joined.party_name, joined.party_role, joined.credit_code) == (
        sponsor.name,
        sponsor.role,
        sponsor.credit_code,
    )


def test_no_one_joins_an_ended_or_expired_partnership() -> None:
    with pytest.raises(IllegalMove, match="ended"):
        rules.join(partnership(ended_on=DAY), party(), None, "member", DAY)
    with pytest.raises(IllegalMove, match="not valid on"):
        rules.join(partnership(until=date(2025, 2, 1)), party(), None, "member", DAY)


def test_a_party_that_is_not_a_member_cannot_leave() -> None:
    with pytest.raises(IllegalMove, match="not a member"):
        rules.leave(partnership(), uuid4(), None, DAY, "")


def test_funding_must_be_positive_over_a_forward_period() -> None:
    with pytest.raises(ImpossibleFact, match="positive"):
        rules.record_funding(partnership(), uuid4(), Decimal(0), FundingSource.OTHER, DAY, DAY)
    with pytest.raises(ImpossibleFact, match="before period_start"):
        rules.record_funding(partnership(), uuid4(), Decimal(1), FundingSource.OTHER, DAY, date(2025, 2, 1))


def test_funding_may_be_recorded_after_the_agreement_ended() -> None:
    funding = rules.record_funding(
        partnership(ended_on=DAY), uuid4(), Decimal("100.50"), FundingSource.ENTERPRISE, DAY, DAY
    )
    assert funding.amount_yuan == Decimal("100.50")


def test_a_target_cannot_be_set_on_an_ended_partnership() -> None:
    with pytest.raises(IllegalMove):
        rules.set_target(
            replace(partnership(), ended_on=DAY), uuid4(), "employment_rate", Comparison.AT_LEAST, 0.9, None, DAY
        )
