from datetime import date
from uuid import uuid4

from services.employment.domain.facts import effective
from services.employment.domain.partnership import DEFAULT_CHECKPOINTS, Partner, decide_relation, fold_partnership
from shared.contracts.base import Region
from shared.contracts.employment import EmployerRelation
from shared.contracts.partnership import (
    ClassOpened,
    MemberJoined,
    MemberLeft,
    PartnershipAmended,
    PartnershipSigned,
    PartyRole,
)
from tests.unit.employment.facts import correction_of, fact, retraction_of

PARTNERSHIP = uuid4()
SPONSOR_CODE = "91440101MA59UQ6X1D"
PARTNER_CODE = "91520500MA6DLY8T23"
OTHER_CODE = "91440114MA5AXKQ83W"


def _fact(payload, occurred_on=date(2025, 1, 10)):
    return fact(payload, partnership_id=PARTNERSHIP, occurred_on=occurred_on)


def signed(checkpoints=None, occurred_on=date(2025, 1, 1)):
    extra = {"retention_checkpoints": checkpoints} if checkpoints else {}
    return _fact(PartnershipSigned(name="Guangzhou-Bijie", valid_from=date(2025, 1, 1), **extra), occurred_on)


def class_opened(class_id, code=SPONSOR_CODE):
    return _fact(
        ClassOpened(
            class_id=class_id,
            name="CNC 2025",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code=code,
            programme_id=uuid4(),
            major="CNC machining",
            seats=40,
            cohort_year=2025,
            planned_start=date(2025, 3, 1),
            planned_end=date(2025, 6, 30),
            hiring_commitment=30,
        )
    )


def joined(party_id, role=PartyRole.ENTERPRISE, code=PARTNER_CODE, occurred_on=date(2025, 2, 1)):
    payload = MemberJoined(
        party_id=party_id,
        party_name="Xinwanda Electronics",
        party_role=role,
        region=Region.EAST,
        locality="Guangzhou",
        credit_code=code,
    )
    return _fact(payload, occurred_on)


def test_a_partnership_without_its_own_check_points_uses_90_180_and_365_days():
    assert fold_partnership(PARTNERSHIP, effective([])).checkpoints == DEFAULT_CHECKPOINTS == (90, 180, 365)
    assert fold_partnership(PARTNERSHIP, effective([signed()])).checkpoints == (90, 180, 365)


def test_the_latest_agreement_decides_the_check_points_by_business_date_not_arrival():
    later = _fact(PartnershipAmended(retention_checkpoints=[180, 365, 730]), occurred_on=date(2025, 5, 1))
    earlier = _fact(PartnershipAmended(retention_checkpoints=[30, 90]), occurred_on=date(2025, 3, 1))
    knowledge = fold_partnership(PARTNERSHIP, effective([signed([90, 180]), later, earlier]))
    assert knowledge.checkpoints == (180, 365, 730)


def test_an_amendment_without_check_points_keeps_them():
    facts = [signed([60, 120]), _fact(PartnershipAmended(name="renamed"), occurred_on=date(2025, 6, 1))]
    assert fold_partnership(PARTNERSHIP, effective(facts)).checkpoints == (60, 120)


def test_classes_carry_their_sponsor_credit_code_and_a_correction_changes_it():
    class_id = uuid4()
    opened = class_opened(class_id, code=" 91440101ma59uq6x1d ")
    knowledge = fold_partnership(
        PARTNERSHIP, effective([opened, correction_of(opened, sponsor_credit_code=OTHER_CODE)])
    )
    assert [(c.class_id, c.sponsor_credit_code) for c in knowledge.classes] == [(class_id, OTHER_CODE)]


def test_only_enterprises_with_a_credit_code_are_partners_and_a_retracted_join_is_none():
    enterprise, school, retracted = uuid4(), uuid4(), uuid4()
    retracted_join = joined(retracted, code=OTHER_CODE)
    facts = [joined(enterprise), joined(school, role=PartyRole.SCHOOL, code=None), retracted_join]
    facts.append(retraction_of(retracted_join))
    knowledge = fold_partnership(PARTNERSHIP, effective(facts))
    assert [p.party_id for p in knowledge.partners] == [enterprise]


def test_a_member_that_left_keeps_its_dates():
    party = uuid4()
    knowledge = fold_partnership(
        PARTNERSHIP, effective([joined(party), _fact(MemberLeft(party_id=party), occurred_on=date(2025, 8, 1))])
    )
    assert knowledge.partners == (Partner(party, PARTNER_CODE, date(2025, 2, 1), date(2025, 8, 1)),)


def test_the_credit_code_of_the_class_sponsor_makes_the_employer_the_sponsor():
    assert decide_relation(" 91440101ma59uq6x1d", SPONSOR_CODE, (), date(2025, 7, 1)) is EmployerRelation.SPONSOR


def test_a_partner_enterprise_counts_only_while_it_is_a_member():
    partner = Partner(uuid4(), PARTNER_CODE, date(2025, 2, 1), date(2025, 8, 1))
    assert decide_relation(PARTNER_CODE, SPONSOR_CODE, [partner], date(2025, 7, 1)) is EmployerRelation.PARTNER
    assert decide_relation(PARTNER_CODE, SPONSOR_CODE, [partner], date(2025, 1, 31)) is EmployerRelation.OTHER
    assert decide_relation(PARTNER_CODE, SPONSOR_CODE, [partner], date(2025, 8, 1)) is EmployerRelation.OTHER


def test_any_other_code_is_another_employer_even_when_the_sponsor_is_unknown():
    assert decide_relation(OTHER_CODE, SPONSOR_CODE, (), date(2025, 7, 1)) is EmployerRelation.OTHER
    assert decide_relation(OTHER_CODE, None, (), date(2025, 7, 1)) is EmployerRelation.OTHER
