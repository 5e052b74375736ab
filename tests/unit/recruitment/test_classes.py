from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.recruitment.domain import classes as rules
from services.recruitment.domain.errors import IllegalMove, ImpossibleFact
from shared.contracts.partnership import ClassOpened, PartyRole
from tests.unit.recruitment.builders import DAY, ordered_class, partnership, party, plan, programme_of


def open_with(**overrides: Any) -> ClassOpened:
    agreement = overrides.pop("partnership", None) or partnership()
    school = overrides.pop("school", None) or party(PartyRole.SCHOOL)
    sponsor = overrides.pop("sponsor", None) or party(PartyRole.ENTERPRISE)
    members = overrides.pop("members", None) or frozenset({school.party_id, sponsor.party_id})
    programme = overrides.pop("programme", None) or programme_of(agreement)
    lineage = frozenset({agreement.partnership_id})
    return rules.open_class(
        agreement, lineage, programme, school, sponsor, members, overrides.pop("plan", None) or plan(), DAY
    )


def test_a_class_opens_with_the_sponsors_credit_code() -> None:
    sponsor = party(PartyRole.ENTERPRISE)
    opened = open_with(sponsor=sponsor)
    assert opened.sponsor_credit_code == sponsor.credit_code


def test_no_class_opens_under_an_ended_partnership() -> None:
    with pytest.raises(IllegalMove, match="ended"):
        open_with(partnership=partnership(ended_on=date(2025, 2, 1)))


def test_the_sponsor_must_be_an_enterprise_and_the_school_a_school() -> None:
    with pytest.raises(ImpossibleFact, match="sponsor must be a enterprise"):
        open_with(sponsor=party(PartyRole.SCHOOL))
    with pytest.raises(ImpossibleFact, match="school must be a school"):
        open_with(school=party(PartyRole.GOVERNMENT))


def test_the_school_and_the_sponsor_must_be_current_members() -> None:
    school = party(PartyRole.SCHOOL)
    with pytest.raises(IllegalMove, match="not a member"):
        open_with(school=school, members=frozenset({party().party_id}))


def test_a_programme_of_an_unrelated_partnership_cannot_be_used() -> None:
    with pytest.raises(IllegalMove, match="programme"):
        open_with(programme=programme_of(partnership()))


def test_a_hiring_commitment_cannot_exceed_the_seats() -> None:
    with pytest.raises(ImpossibleFact, match="exceeds"):
        open_with(plan=plan(seats=10, hiring=11))


def test_a_class_closes_once() -> None:
    with pytest.raises(IllegalMove, match="already closed"):
        rules.close_class(ordered_class(closed_on=DAY), DAY)
    assert rules.close_class(ordered_class(), DAY)


def test_a_class_cannot_close_before_it_opened() -> None:
    with pytest.raises(ImpossibleFact, match="opened on"):
        rules.close_class(ordered_class(), date(2025, 1, 1))
