"""The rules of employment's handlers, through the shared pipeline over an in-memory unit of work: no server, no
database, no broker. Upstream stages are played by handing their envelopes to the learner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.employment.app import SOURCE
from services.employment.application.commands import (
    AnswerOffer,
    CheckRetention,
    EndEmployment,
    EnterFurtherStudy,
    OfferJob,
    PlaceStudent,
    UpdateHouseholdStatus,
)
from services.employment.application.handlers import HANDLERS
from services.employment.application.unit_of_work import HeldStatus
from services.employment.domain.errors import Contradiction, IllegalMove, ImpossibleFact, Unknown
from services.employment.domain.student import EmploymentStatus
from services.employment.domain.training import TrainingStatus
from shared.application.clock import FixedClock
from shared.application.follow_ups import CorrectEvent, RetractEvent
from shared.application.outcome import Outcome
from shared.application.pipeline import Pipeline
from shared.contracts.base import EventPayload, Evidence, Region
from shared.contracts.employment import ContractType, EmployerRelation, EmployerType, Location
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened, MemberJoined, PartnershipSigned, PartyRole
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
from shared.contracts.training import Graduated, TransferredToClass, Withdrawn
from shared.errors import InvalidFact
from tests.unit.employment.fakes import FakeEmploymentUnitOfWork

NOW = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai: the business date is 2025-09-01
TODAY = date(2025, 9, 1)
SPONSOR_CODE = "91440101MA59UQ6X1D"
PARTNER_CODE = "91520500MA6DLY8T23"
OTHER_CODE = "91310000MA1FL8XQ30"


@dataclass
class Employment:
    """One partnership as employment sees it: the learner fed with upstream events, and the commands."""

    uow: FakeEmploymentUnitOfWork = field(default_factory=FakeEmploymentUnitOfWork)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    partnership_id: UUID = field(default_factory=uuid4)
    class_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        self.pipeline = Pipeline(HANDLERS, lambda: self.uow, self.clock, SOURCE)

    async def do(self, command: object, **options: Any) -> Outcome:
        return await self.pipeline.handle(command, **options)

    async def hear(self, payload: EventPayload, *, day: date = date(2025, 1, 1), **refs: Any) -> Outcome:
        event = Envelope.wrap(
            payload,
            source="/services/training",
            occurred_on=day,
            partnership_id=refs.pop("partnership_id", self.partnership_id),
            evidence=Evidence.SCHOOL_RECORD,
            **refs,
        )
        return await self.do(event)

    async def sign(self, checkpoints: list[int] | None = None) -> None:
        extra = {"retention_checkpoints": checkpoints} if checkpoints else {}
        await self.hear(PartnershipSigned(name="Guangzhou-Bijie", valid_from=date(2024, 1, 1), **extra))
        opened = ClassOpened(
            class_id=self.class_id,
            name="CNC machining 2025",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code=SPONSOR_CODE,
            programme_id=uuid4(),
            major="CNC machining",
            seats=40,
            cohort_year=2025,
            planned_start=date(2025, 3, 1),
            planned_end=date(2025, 6, 30),
            hiring_commitment=30,
        )
        await self.hear(opened, class_id=self.class_id)

    async def enrol(self) -> UUID:
        student = uuid4()
        enrolled = StudentEnrolled(application_id=uuid4(), start_on=date(2025, 3, 1), planned_end_on=date(2025, 6, 30))
        await self.hear(enrolled, student_id=student, class_id=self.class_id)
        return student

    async def graduate(self, student: UUID | None = None) -> tuple[UUID, Outcome]:
        student = student or uuid4()
        outcome = await self.hear(Graduated(graduated_on=date(2025, 6, 30)), student_id=student, class_id=self.class_id)
        return student, outcome

    async def graduate_new(self) -> UUID:
        return (await self.graduate())[0]

    async def place(self, student: UUID, code: str = OTHER_CODE, **changes: Any) -> Outcome:
        return await self.do(placement(student, code, **changes))

    def events(self) -> list[str]:
        return [e.type for e in self.uow.outbox.events]


def placement(student: UUID, code: str = OTHER_CODE, **changes: Any) -> PlaceStudent:
    fields: dict[str, Any] = {
        "student_id": student,
        "placement_id": uuid4(),
        "employer_name": "Guangzhou Baiyun Electric",
        "employer_credit_code": code,
        "employer_type": EmployerType.STATE_OWNED,
        "location": Location.EAST,
        "related_to_training": True,
        "monthly_wage": Decimal("5200.00"),
        "contract_type": ContractType.FIXED_TERM,
        "social_insurance": True,
        "start_on": date(2025, 7, 1),
        "evidence": Evidence.EMPLOYER_CONFIRMATION,
        **changes,
    }
    return PlaceStudent(**fields)


def offer(student: UUID) -> OfferJob:
    return OfferJob(
        student_id=student,
        offer_id=uuid4(),
        employer_name="Xinwanda Electronics",
        employer_credit_code=PARTNER_CODE,
        monthly_wage=Decimal("4800"),
        occurred_on=date(2025, 6, 20),
        evidence=Evidence.SCHOOL_RECORD,
    )


def check(placement_id: UUID, k: int = 90, on: date = date(2025, 9, 1), **changes: Any) -> CheckRetention:
    fields: dict[str, Any] = {"still_employed": True, "same_employer": True, **changes}
    return CheckRetention(
        placement_id=placement_id, checkpoint_days=k, occurred_on=on, evidence=Evidence.SCHOOL_RECORD, **fields
    )


def further_study(student: UUID) -> EnterFurtherStudy:
    return EnterFurtherStudy(
        student_id=student,
        study_id=uuid4(),
        institution="Guangzhou Railway Polytechnic",
        start_on=date(2025, 9, 1),
        evidence=Evidence.SCHOOL_RECORD,
    )


def ending(placement_id: UUID, last_day: date = date(2025, 8, 15)) -> EndEmployment:
    return EndEmployment(placement_id=placement_id, last_day=last_day, evidence=Evidence.SCHOOL_RECORD)


@pytest.fixture
def employment() -> Employment:
    return Employment()


async def test_a_graduate_is_placed_and_the_credit_code_decides_the_relation_over_the_clients_flag(employment):
    await employment.sign()
    student = await employment.graduate_new()
    command = placement(student, f" {SPONSOR_CODE.lower()} ", relation_claimed=EmployerRelation.OTHER)

    outcome = await employment.do(command)

    [event] = employment.uow.outbox.events
    assert outcome.answer == {
        "status": "applied",
        "type": "Placed",
        "subject_id": str(command.placement_id),
        "event_id": str(event.id),
        "relation": "sponsor",
    }
    assert (event.recorded_at, event.occurred_on, event.source) == (NOW, date(2025, 7, 1), SOURCE)
    assert (event.partnership_id, event.student_id, event.class_id) == (
        employment.partnership_id,
        student,
        employment.class_id,
    )
    assert employment.uow.tables.students[student].employment is EmploymentStatus.PLACED


async def test_a_partner_enterprise_is_known_from_the_member_that_joined(employment):
    await employment.sign()
    joined = MemberJoined(
        party_id=uuid4(),
        party_name="Xinwanda Electronics Co., Ltd.",
        party_role=PartyRole.ENTERPRISE,
        region=Region.EAST,
        locality="Guangzhou",
        credit_code=PARTNER_CODE,
    )
    await employment.hear(joined)
    student = await employment.graduate_new()
    assert (await employment.place(student, PARTNER_CODE)).answer["relation"] == "partner"


async def test_occurred_on_defaults_to_today_or_to_the_start_when_that_is_earlier(employment):
    student = await employment.graduate_new()
    await employment.place(student, start_on=date(2025, 8, 20))
    household = UpdateHouseholdStatus(student_id=student, poor_household=True, evidence=Evidence.SCHOOL_RECORD)
    await employment.do(household)
    assert [e.occurred_on for e in employment.uow.outbox.events] == [date(2025, 8, 20), TODAY]


async def test_a_fact_for_a_student_employment_never_heard_of_is_unknown_and_leaves_nothing(employment):
    with pytest.raises(Unknown, match="has not learned of student"):
        await employment.place(uuid4())
    assert (employment.events(), employment.uow.commits) == ([], 0)


async def test_a_fact_dated_after_the_day_it_is_recorded_is_impossible(employment):
    student = await employment.graduate_new()
    with pytest.raises(InvalidFact, match="future"):
        await employment.place(student, occurred_on=TODAY + timedelta(days=1))


async def test_a_withdrawn_student_gets_no_job(employment):
    student = await employment.enrol()
    await employment.hear(Withdrawn(last_day=date(2025, 4, 1), reason="family"), student_id=student)
    with pytest.raises(IllegalMove, match="withdrew"):
        await employment.place(student)


async def test_a_graduate_takes_a_later_job_without_an_end_of_the_first_being_recorded(employment):
    student = await employment.graduate_new()
    first = await employment.place(student)

    later = await employment.place(student, start_on=date(2025, 8, 1))

    assert (later.answer["status"], employment.events()) == ("applied", ["Placed", "Placed"])
    placed = employment.uow.tables.students[student]
    assert (placed.employment, placed.current_placement_id) == (
        EmploymentStatus.PLACED,
        UUID(later.answer["subject_id"]),
    )
    await employment.do(ending(UUID(first.answer["subject_id"])))
    assert employment.uow.tables.students[student].current_placement_id == UUID(later.answer["subject_id"]), (
        "the end of an earlier job leaves the latest one current"
    )


async def test_a_job_reported_late_that_started_earlier_does_not_become_the_current_one(employment):
    student = await employment.graduate_new()
    current = await employment.place(student, start_on=date(2025, 8, 1))
    await employment.place(student, start_on=date(2025, 7, 1))
    assert employment.uow.tables.students[student].current_placement_id == UUID(current.answer["subject_id"])


async def test_a_second_placement_with_the_same_placement_id_is_refused(employment):
    student = await employment.graduate_new()
    command = placement(student)
    await employment.do(command)
    with pytest.raises(Contradiction, match="already recorded"):
        await employment.do(command.model_copy(update={"start_on": date(2025, 8, 1)}))
    assert employment.events() == ["Placed"]


async def test_a_placed_student_changes_job_after_the_placement_ended(employment):
    student = await employment.graduate_new()
    placement_id = UUID((await employment.place(student)).answer["subject_id"])

    ended = await employment.do(ending(placement_id))

    assert ended.answer["subject_id"] == str(placement_id)
    free = employment.uow.tables.students[student]
    assert (free.employment, free.last_job_ended_on) == (EmploymentStatus.NOT_WORKING, date(2025, 8, 15))
    with pytest.raises(IllegalMove, match="already ended"):
        await employment.do(ending(placement_id))
    await employment.place(student, start_on=date(2025, 8, 16))
    assert employment.events() == ["Placed", "EmploymentEnded", "Placed"]


async def test_an_offer_is_answered_once_and_an_unknown_offer_not_at_all(employment):
    student = await employment.graduate_new()
    offered = offer(student)
    await employment.do(offered)
    answer = AnswerOffer(offer_id=offered.offer_id, accepted=False, reason="too far", evidence=Evidence.SCHOOL_RECORD)

    declined = await employment.do(answer)

    assert (declined.answer["type"], declined.answer["subject_id"]) == ("OfferDeclined", str(offered.offer_id))
    with pytest.raises(IllegalMove, match="already declined"):
        await employment.do(answer.model_copy(update={"accepted": True}))
    with pytest.raises(Unknown, match="no offer"):
        await employment.do(answer.model_copy(update={"offer_id": uuid4()}))


async def test_a_graduate_enters_further_study_once(employment):
    student = await employment.graduate_new()
    study = further_study(student)
    assert (await employment.do(study)).answer["subject_id"] == str(study.study_id)
    assert employment.uow.tables.students[student].employment is EmploymentStatus.IN_FURTHER_STUDY
    with pytest.raises(IllegalMove, match="already in further study"):
        await employment.do(study.model_copy(update={"study_id": uuid4()}))


async def test_a_retention_check_is_at_one_of_the_partnership_check_points_on_or_after_its_day(employment):
    await employment.sign(checkpoints=[60, 120])
    student = await employment.graduate_new()
    placement_id = UUID((await employment.place(student, start_on=date(2025, 7, 1))).answer["subject_id"])

    with pytest.raises(ImpossibleFact, match=r"\[60, 120\]"):
        await employment.do(check(placement_id, 90))
    with pytest.raises(ImpossibleFact, match="falls on 2025-08-30"):
        await employment.do(check(placement_id, 60, on=date(2025, 8, 29)))
    checked = await employment.do(check(placement_id, 60, on=date(2025, 8, 30)))

    assert checked.answer["subject_id"] == checked.answer["event_id"]
    assert employment.events() == ["Placed", "RetentionChecked"]
    with pytest.raises(Unknown, match="no placement"):
        await employment.do(check(uuid4(), 60))


async def test_household_status_is_kept_for_an_enrolled_student_but_not_a_cancelled_one(employment):
    student = await employment.enrol()
    update = UpdateHouseholdStatus(student_id=student, poor_household=False, evidence=Evidence.SCHOOL_RECORD)
    assert (await employment.do(update)).answer["type"] == "HouseholdStatusUpdated"
    await employment.hear(EnrollmentCancelled(reason="enrolled twice"), student_id=student)
    with pytest.raises(IllegalMove, match="cancelled"):
        await employment.do(update)


async def test_facts_for_a_student_in_training_are_held_and_answered_as_held(employment):
    student = await employment.enrol()
    command = placement(student)

    outcome = await employment.do(command)

    [held] = employment.uow.tables.held
    assert (outcome.held, outcome.events, employment.events()) == (True, (), [])
    assert outcome.answer == {
        "status": "held",
        "type": "Placed",
        "subject_id": str(command.placement_id),
        "held_id": str(held.held_id),
    }
    assert (held.received_at, held.command.occurred_on) == (NOW, date(2025, 7, 1)), "dated when it was received"


async def test_a_retention_check_and_an_end_of_a_held_placement_are_held_then_applied_after_it_with_their_own_time(
    employment,
):
    student = await employment.enrol()
    placed = placement(student, start_on=date(2025, 4, 1))
    received = [NOW - timedelta(days=d) for d in (30, 20, 10)]
    await employment.do(placed, recorded_at=received[0])

    checked = await employment.do(check(placed.placement_id, 90, on=date(2025, 7, 1)), recorded_at=received[1])
    ended = await employment.do(ending(placed.placement_id, date(2025, 7, 31)), recorded_at=received[2])

    assert (checked.held, ended.held, employment.events()) == (True, True, [])
    assert (checked.answer["type"], checked.answer["subject_id"]) == ("RetentionChecked", str(placed.placement_id))
    assert (ended.answer["type"], ended.answer["subject_id"]) == ("EmploymentEnded", str(placed.placement_id))
    about = await employment.uow.held.about(placed.placement_id)
    assert about is not None
    assert about.command.kind == "place_student", "the held fact that makes the placement, not its check"

    _, learned = await employment.graduate(student)

    assert [(e.type, e.recorded_at) for e in learned.events] == list(
        zip(["Placed", "RetentionChecked", "EmploymentEnded"], received, strict=True)
    ), "issue 14: each is applied after its placement, with the time it was received"
    assert [h.status for h in employment.uow.tables.held] == [HeldStatus.APPLIED] * 3
    assert employment.uow.tables.placements[placed.placement_id].ended_on == date(2025, 7, 31)
    assert employment.uow.tables.students[student].employment is EmploymentStatus.NOT_WORKING


async def test_a_retention_check_of_a_held_placement_is_rejected_with_it(employment):
    student = await employment.enrol()
    placed = placement(student)
    await employment.do(placed)
    assert (await employment.do(check(placed.placement_id, on=date(2025, 8, 31)))).held

    await employment.hear(Withdrawn(last_day=date(2025, 5, 1), reason="family"), student_id=student)

    assert [(h.status, "withdrew" in (h.reason or "")) for h in employment.uow.tables.held] == [
        (HeldStatus.REJECTED, True)
    ] * 2
    with pytest.raises(IllegalMove, match="was rejected"):
        await employment.do(check(placed.placement_id))


async def test_a_held_check_that_breaks_a_rule_when_released_is_rejected_and_its_placement_still_applies(employment):
    student = await employment.enrol()
    placed = placement(student, start_on=date(2025, 7, 1))
    await employment.do(placed)
    early = await employment.do(check(placed.placement_id, 90, on=date(2025, 8, 31)))
    assert early.held, "whether a check is due is decided when its placement is known"

    _, learned = await employment.graduate(student)

    assert [e.type for e in learned.events] == ["Placed"]
    applied, rejected = employment.uow.tables.held
    assert (applied.status, rejected.status) == (HeldStatus.APPLIED, HeldStatus.REJECTED)
    assert "falls on 2025-09-29" in (rejected.reason or "")


async def test_a_released_fact_that_breaks_a_rule_then_is_rejected_with_its_reason_and_leaves_nothing(employment):
    student = await employment.enrol()
    first = placement(student)
    second = first.model_copy(update={"start_on": date(2025, 8, 1)})
    await employment.do(first)
    await employment.do(second)

    _, learned = await employment.graduate(student)

    assert [e.type for e in learned.events] == ["Placed"]
    applied, rejected = employment.uow.tables.held
    assert applied.status is HeldStatus.APPLIED
    assert (rejected.status, "already recorded" in (rejected.reason or "")) == (HeldStatus.REJECTED, True)
    assert employment.uow.tables.placements[first.placement_id].start_on == first.start_on


async def test_a_withdrawal_rejects_every_held_fact_with_the_reason(employment):
    student = await employment.enrol()
    await employment.do(offer(student))
    await employment.place(student)

    withdrawn = await employment.hear(Withdrawn(last_day=date(2025, 5, 1), reason="family"), student_id=student)

    assert (withdrawn.events, employment.events()) == ((), [])
    assert [(h.status, "withdrew" in (h.reason or "")) for h in employment.uow.tables.held] == [
        (HeldStatus.REJECTED, True)
    ] * 2


async def test_an_answer_to_a_held_offer_is_held_and_one_to_a_rejected_offer_is_an_illegal_move(employment):
    student = await employment.enrol()
    offered = offer(student)
    await employment.do(offered)
    answer = AnswerOffer(offer_id=offered.offer_id, accepted=True, evidence=Evidence.SCHOOL_RECORD)
    assert (await employment.do(answer)).held
    await employment.hear(EnrollmentCancelled(reason="enrolled twice"), student_id=student)
    with pytest.raises(IllegalMove, match="was rejected"):
        await employment.do(answer)


async def test_a_student_event_that_names_no_student_is_refused_for_the_dead_letter_topic(employment):
    with pytest.raises(ImpossibleFact, match="names no student"):
        await employment.hear(Graduated(graduated_on=date(2025, 6, 30)))
    assert employment.uow.tables.facts == []


async def test_events_of_other_kinds_are_ignored_and_a_partnerships_check_points_are_kept(employment):
    await employment.sign(checkpoints=[180, 60])
    assert employment.uow.tables.partnerships[employment.partnership_id].checkpoints == (60, 180)
    student = await employment.enrol()
    assert employment.uow.tables.students[student].training is TrainingStatus.ENROLLED


async def test_a_corrected_start_moves_the_placement_and_a_corrected_code_re_decides_the_relation(employment):
    await employment.sign()
    student = await employment.graduate_new()
    placed = await employment.place(student)
    event_id, placement_id = UUID(placed.answer["event_id"]), UUID(placed.answer["subject_id"])

    correction = CorrectEvent(
        event_id=event_id,
        fields={"start_on": "2025-06-01", "employer_credit_code": SPONSOR_CODE, "relation": "other"},
        reason="misread from the contract",
        evidence=Evidence.SCHOOL_RECORD,
    )
    await employment.do(correction)

    assert employment.uow.tables.placements[placement_id].start_on == date(2025, 6, 1)
    assert employment.uow.tables.relations[placement_id] is EmployerRelation.SPONSOR, "the code wins over the flag"
    assert employment.events() == ["Placed", "EventCorrected"]
    with pytest.raises(Contradiction, match="an id cannot be corrected"):
        await employment.do(
            CorrectEvent(
                event_id=event_id, fields={"placement_id": str(uuid4())}, reason="x", evidence=Evidence.SCHOOL_RECORD
            )
        )


async def test_a_retracted_placement_frees_the_student_and_takes_its_checks_with_it(employment):
    student = await employment.graduate_new()
    placed = await employment.place(student, start_on=date(2025, 6, 1))
    placement_id = UUID(placed.answer["subject_id"])
    checked = await employment.do(check(placement_id))

    await employment.do(
        RetractEvent(event_id=UUID(placed.answer["event_id"]), reason="wrong student", evidence=Evidence.SCHOOL_RECORD)
    )

    assert {placement_id, UUID(checked.answer["event_id"])} <= employment.uow.tables.retracted
    assert employment.uow.tables.students[student].employment is EmploymentStatus.NOT_WORKING
    with pytest.raises(Unknown, match="no placement"):
        await employment.do(check(placement_id))
    await employment.place(student)


async def test_a_retracted_ending_reopens_the_placement_and_a_retracted_current_job_gives_way_to_the_one_before(
    employment,
):
    student = await employment.graduate_new()
    placement_id = UUID((await employment.place(student)).answer["subject_id"])
    ended = await employment.do(ending(placement_id))
    retract_ending = RetractEvent(
        event_id=UUID(ended.answer["event_id"]), reason="still working", evidence=Evidence.SCHOOL_RECORD
    )
    second = await employment.place(student, start_on=date(2025, 8, 20))

    await employment.do(retract_ending)

    assert employment.uow.tables.placements[placement_id].ended_on is None
    assert employment.uow.tables.students[student].current_placement_id == UUID(second.answer["subject_id"])
    await employment.do(
        RetractEvent(event_id=UUID(second.answer["event_id"]), reason="never started", evidence=Evidence.SCHOOL_RECORD)
    )
    reopened = employment.uow.tables.students[student]
    assert (reopened.employment, reopened.current_placement_id) == (EmploymentStatus.PLACED, placement_id)
    assert reopened.last_job_ended_on is None


async def test_a_retracted_ending_is_a_contradiction_while_the_student_is_in_further_study(employment):
    student = await employment.graduate_new()
    placement_id = UUID((await employment.place(student)).answer["subject_id"])
    ended = await employment.do(ending(placement_id))
    study = further_study(student)
    await employment.do(study)
    with pytest.raises(Contradiction, match="in_further_study"):
        await employment.do(
            RetractEvent(event_id=UUID(ended.answer["event_id"]), reason="x", evidence=Evidence.SCHOOL_RECORD)
        )


# Students who move to a class of another partnership (issue 14).


async def test_a_student_transferred_to_another_partnership_is_placed_and_checked_there(employment):
    await employment.sign(checkpoints=[60])
    student, elsewhere, foreign_class = await employment.enrol(), uuid4(), uuid4()
    moved = TransferredToClass(from_class_id=employment.class_id, to_class_id=foreign_class, start_on=date(2025, 4, 1))
    await employment.hear(moved, student_id=student, class_id=foreign_class, partnership_id=elsewhere)
    graduation = Graduated(graduated_on=date(2025, 6, 30))
    await employment.hear(graduation, student_id=student, class_id=foreign_class, partnership_id=elsewhere)

    placed = await employment.place(student, start_on=date(2025, 7, 1))
    with pytest.raises(ImpossibleFact, match=r"\[90, 180, 365\]"):
        await employment.do(check(UUID(placed.answer["subject_id"]), 60))

    [event] = employment.uow.outbox.events
    assert (event.partnership_id, event.class_id) == (elsewhere, foreign_class)
    known = employment.uow.tables.students[student]
    assert (known.partnership_id, known.class_id) == (elsewhere, foreign_class)
