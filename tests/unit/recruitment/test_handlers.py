"""The rules of each recruitment handler, through the shared pipeline over fakes: no server, no database."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from services.recruitment.application.commands.partnerships import (
    AdmitMember,
    AmendPartnership,
    CloseClass,
    EndPartnership,
    RecordFunding,
    RegisterParty,
    RegisterProgramme,
    RemoveMember,
    SetTarget,
)
from services.recruitment.application.commands.students import (
    ApplyExclusion,
    CancelEnrolment,
    RevokeExclusion,
    SignEmploymentIntent,
)
from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact, UnknownRecord
from shared.contracts.base import Region
from shared.contracts.corrections import ExclusionReason
from shared.contracts.partnership import Comparison, FundingSource, PartnershipKind, PartyRole
from shared.contracts.recruitment import Decision
from shared.errors import InvalidFact
from tests.unit.recruitment.builders import credit_code
from tests.unit.recruitment.service import (
    NOW,
    application,
    apply,
    decide,
    enrolled_student,
    enrolment,
    national_id,
    open_class,
    partnership,
    party,
    service,
    setting,
    stored_partnership,
)


async def test_registering_a_party_records_no_event_and_answers_its_id():
    s = service()
    party_id = uuid4()
    answer = await s.do(
        RegisterParty(party_id=party_id, name="Anshun school", role=PartyRole.SCHOOL, region=Region.WEST, locality="x")
    )
    assert (answer, s.events) == ({"party_id": str(party_id)}, [])


async def test_a_second_party_with_the_same_credit_code_is_a_conflict():
    s = service()
    code = credit_code(99)
    enterprise = {"name": "Xinwanda", "role": PartyRole.ENTERPRISE, "region": Region.EAST, "locality": "Guangzhou"}
    await s.do(RegisterParty(**enterprise, credit_code=code))
    with pytest.raises(DuplicateFact):
        await s.do(RegisterParty(**enterprise, credit_code=code))


async def test_a_signed_partnership_is_keyed_by_itself_and_recorded_now():
    s = service()
    pid = await partnership(s, occurred_on=date(2025, 1, 1))
    [signed] = s.events
    assert (signed.type, signed.partnership_id, signed.occurred_on, signed.recorded_at) == (
        "PartnershipSigned",
        pid,
        date(2025, 1, 1),
        NOW,
    )


async def test_a_parent_must_be_a_known_alliance():
    s = service()
    with pytest.raises(UnknownRecord, match="no parent partnership"):
        await partnership(s, parent_id=uuid4())
    with pytest.raises(IllegalMove, match="a parent is an alliance"):
        await partnership(s, parent_id=await partnership(s))
    assert await partnership(s, parent_id=await partnership(s, kind=PartnershipKind.ALLIANCE))


async def test_a_back_dated_amendment_does_not_override_a_later_one():
    s = service()
    pid = await partnership(s)
    await s.do(AmendPartnership(partnership_id=pid, name="later", occurred_on=date(2025, 3, 5)))
    await s.do(AmendPartnership(partnership_id=pid, name="earlier", occurred_on=date(2025, 2, 1)))
    assert (await stored_partnership(s, pid)).name == "later"


async def test_a_partnership_ends_once_and_takes_no_members_after():
    s = service()
    pid, school = await partnership(s), await party(s)
    ended = await s.do(EndPartnership(partnership_id=pid, reason="expired"))
    assert ended["type"] == "PartnershipEnded"
    with pytest.raises(IllegalMove, match="already ended"):
        await s.do(EndPartnership(partnership_id=pid, reason="again"))
    with pytest.raises(IllegalMove, match="ended"):
        await s.do(AdmitMember(partnership_id=pid, party_id=school))
    with pytest.raises(IllegalMove, match="ended"):
        await s.do(AmendPartnership(partnership_id=pid, name="renamed"))
    with pytest.raises(IllegalMove, match="ended"):
        await s.do(RegisterProgramme(partnership_id=pid, name="Guangdong Technicians"))


async def test_a_current_member_joining_again_is_a_duplicate_and_a_stranger_cannot_leave():
    s = service()
    pid, school = await partnership(s), await party(s)
    joined = await s.do(AdmitMember(partnership_id=pid, party_id=school))
    assert joined["party_id"] == str(school)
    assert s.events[-1].party_id == school
    with pytest.raises(DuplicateFact, match="already a member"):
        await s.do(AdmitMember(partnership_id=pid, party_id=school))
    with pytest.raises(IllegalMove, match="not a member"):
        await s.do(RemoveMember(partnership_id=pid, party_id=await party(s)))


async def test_a_sponsor_that_left_cannot_sponsor_a_new_class():
    s = service()
    x = await setting(s)
    await s.do(RemoveMember(partnership_id=x.partnership, party_id=x.sponsor, reason="left"))
    with pytest.raises(IllegalMove, match="not a member"):
        await open_class(s, x.partnership, x.programme, x.school, x.sponsor)


async def test_a_class_opens_under_a_registered_programme_with_the_sponsors_credit_code():
    s = service()
    x = await setting(s)
    opened = s.events[-1]
    assert (opened.type, opened.class_id, opened.data_json()["sponsor_id"]) == ("ClassOpened", x.klass, str(x.sponsor))
    with pytest.raises(UnknownRecord, match="no programme"):
        await open_class(s, x.partnership, uuid4(), x.school, x.sponsor)


async def test_a_target_names_a_class_of_its_own_partnership():
    s = service()
    x, other = await setting(s), await partnership(s)
    target = SetTarget(partnership_id=other, metric="employment_rate", comparison=Comparison.AT_LEAST, goal=0.9)
    with pytest.raises(UnknownRecord, match="no class"):
        await s.do(target.model_copy(update={"class_id": x.klass}))
    answer = await s.do(target.model_copy(update={"partnership_id": x.partnership, "class_id": x.klass}))
    assert (answer["type"], s.events[-1].class_id) == ("TargetSet", x.klass)


async def test_funding_is_recorded_even_after_the_agreement_ended():
    s = service()
    pid = await partnership(s)
    await s.do(EndPartnership(partnership_id=pid, reason="expired"))
    funding = RecordFunding(
        partnership_id=pid,
        amount_yuan="480000.00",
        source=FundingSource.ENTERPRISE,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 2, 28),
    )
    assert (await s.do(funding))["type"] == "FundingRecorded"
    with pytest.raises(ImpossibleFact, match="before period_start"):
        await s.do(funding.model_copy(update={"period_end": date(2024, 12, 31)}))


async def test_a_closed_class_closes_once_and_takes_no_applications():
    s = service()
    x = await setting(s)
    await s.do(CloseClass(class_id=x.klass))
    with pytest.raises(IllegalMove, match="already closed"):
        await s.do(CloseClass(class_id=x.klass))
    with pytest.raises(IllegalMove, match="closed"):
        await apply(s, x.klass)


async def test_a_returning_applicant_keeps_their_student_id_and_no_event_carries_their_personal_data():
    s = service()
    first, second = await setting(s), await setting(s)
    nid = national_id()
    a = await s.do(application(first.klass, nid))
    b = await s.do(application(second.klass, nid.lower(), name="王 小明"))
    assert a["student_id"] == b["student_id"]
    assert a["application_id"] != b["application_id"]
    submitted = [e for e in s.events if e.type == "ApplicationSubmitted"]
    assert [str(e.student_id) for e in submitted] == [a["student_id"]] * 2
    assert not any(nid in e.model_dump_json() or "王" in e.model_dump_json() for e in s.events)
    with pytest.raises(DuplicateFact, match="already has application"):
        await s.do(application(first.klass, nid))


async def test_an_application_to_an_unknown_class_is_not_found():
    with pytest.raises(UnknownRecord, match="no class"):
        await apply(service(), uuid4())


async def test_an_admitted_applicant_enrols_and_the_enrolment_id_is_the_event_id():
    s = service()
    x = await setting(s)
    student = await enrolled_student(s, x.klass)
    enrolled = s.events[-1]
    assert (enrolled.type, str(enrolled.id)) == ("StudentEnrolled", student["enrolment_id"])
    assert (student["class_id"], enrolled.partnership_id) == (str(x.klass), x.partnership)
    with pytest.raises(IllegalMove, match="can no longer change"):
        await decide(s, UUID(student["application_id"]), Decision.REJECTED)


async def test_only_an_admitted_application_enrols():
    s = service()
    x = await setting(s)
    application_id = await apply(s, x.klass)
    with pytest.raises(IllegalMove, match="undecided; only an admitted one enrols"):
        await s.do(enrolment(application_id))
    await decide(s, application_id, Decision.REJECTED)
    with pytest.raises(IllegalMove, match="rejected"):
        await s.do(enrolment(application_id))


async def test_a_full_class_refuses_the_next_enrolment_until_a_cancellation_frees_the_seat():
    s = service()
    x = await setting(s, seats=1)
    first = await enrolled_student(s, x.klass)
    late = await apply(s, x.klass)
    await decide(s, late)
    with pytest.raises(IllegalMove, match="full"):
        await s.do(enrolment(late))
    cancelled = await s.do(CancelEnrolment(student_id=UUID(first["student_id"]), reason="moved away"))
    assert cancelled["enrolment_id"] == first["enrolment_id"]
    assert (await s.do(enrolment(late)))["type"] == "StudentEnrolled"


async def test_cancelling_a_student_who_is_not_enrolled_is_refused_and_an_unknown_one_is_not_found():
    s = service()
    x = await setting(s)
    application_id = await apply(s, x.klass)
    with pytest.raises(IllegalMove, match="is not enrolled"):
        await s.do(CancelEnrolment(application_id=application_id, reason="no show"))
    with pytest.raises(UnknownRecord, match="no student"):
        await s.do(CancelEnrolment(student_id=uuid4(), reason="no show"))


async def test_an_employment_intent_is_signed_once_and_with_an_enterprise():
    s = service()
    x = await setting(s)
    student = UUID((await enrolled_student(s, x.klass))["student_id"])
    with pytest.raises(ImpossibleFact, match="employer must be"):
        await s.do(SignEmploymentIntent(student_id=student, employer_id=x.school))
    signed = await s.do(SignEmploymentIntent(student_id=student, employer_id=x.sponsor))
    assert (signed["type"], s.events[-1].student_id) == ("EmploymentIntentSigned", student)
    with pytest.raises(DuplicateFact, match="already signed"):
        await s.do(SignEmploymentIntent(student_id=student, employer_id=x.sponsor))


async def test_an_exclusion_is_keyed_by_the_class_partnership_and_one_stands_until_revoked():
    s = service()
    x = await setting(s)
    never_enrolled = (await s.do(application(x.klass)))["student_id"]
    with pytest.raises(IllegalMove, match="never enrolled"):
        await s.do(ApplyExclusion(student_id=never_enrolled, reason=ExclusionReason.DEATH))
    student = UUID((await enrolled_student(s, x.klass))["student_id"])
    excluded = await s.do(ApplyExclusion(student_id=student, reason=ExclusionReason.MILITARY_SERVICE))
    assert (s.events[-1].partnership_id, s.events[-1].class_id) == (x.partnership, x.klass)
    with pytest.raises(DuplicateFact, match="already excluded"):
        await s.do(ApplyExclusion(student_id=student, reason=ExclusionReason.DEATH))
    revoked = await s.do(RevokeExclusion(student_id=student, reason="back from service"))
    assert revoked["exclusion_id"] == excluded["exclusion_id"]
    with pytest.raises(IllegalMove, match="no standing exclusion"):
        await s.do(RevokeExclusion(student_id=student))


async def test_a_fact_dated_in_the_future_is_refused_and_leaves_nothing_behind():
    s = service()
    with pytest.raises(InvalidFact, match="future"):
        await partnership(s, occurred_on=date(2025, 3, 11))
    assert (s.events, s.uow.tables.rows["partnerships"], s.uow.commits) == ([], [], 0)
