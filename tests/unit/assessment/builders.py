"""Events for assessment tests: a script of envelopes with both clocks set by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID, uuid4

from services.assessment.metrics.clock import SHANGHAI
from services.assessment.records import Applied, Record, RecordKey, place
from shared.contracts.base import EventPayload, Evidence
from shared.contracts.employment import Placed, RetentionChecked
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, ClassOpened, FundingRecorded, PartnershipSigned
from shared.contracts.recruitment import ApplicationDecided, ApplicationSubmitted, StudentEnrolled
from shared.contracts.training import Graduated

NOON = time(12, 0)


def at_noon(day: date) -> datetime:
    return datetime.combine(day, NOON, tzinfo=SHANGHAI)


@dataclass
class Script:
    partnership_id: UUID = field(default_factory=uuid4)
    events: list[Envelope] = field(default_factory=list)

    def emit(
        self,
        payload: EventPayload,
        on: date,
        *,
        student: UUID | None = None,
        class_id: UUID | None = None,
        recorded: datetime | None = None,
        evidence: Evidence = Evidence.SCHOOL_RECORD,
        supersedes: UUID | None = None,
        partnership_id: UUID | None = None,
    ) -> Envelope:
        envelope = Envelope.wrap(
            payload,
            source="/tests/assessment",
            occurred_on=on,
            partnership_id=partnership_id or self.partnership_id,
            evidence=evidence,
            recorded_at=recorded or at_noon(on),
            student_id=student,
            class_id=class_id,
            supersedes=supersedes,
        )
        self.events.append(envelope)
        return envelope

    def sign(self, on: date = date(2024, 1, 1), *, parent: UUID | None = None, kind: str = "partnership") -> Envelope:
        return self.emit(PartnershipSigned(name="p", kind=kind, valid_from=on, parent_id=parent), on)

    def open_class(self, *, seats: int = 10, opened_on: date = date(2024, 1, 5), sponsor: str = "S") -> UUID:
        class_id = uuid4()
        self.emit(
            ClassOpened(
                class_id=class_id,
                name="c",
                school_id=uuid4(),
                sponsor_id=uuid4(),
                sponsor_credit_code=sponsor,
                programme_id=uuid4(),
                major="m",
                seats=seats,
                cohort_year=2024,
                planned_start=date(2024, 3, 1),
                planned_end=date(2025, 1, 15),
                hiring_commitment=1,
            ),
            opened_on,
        )
        return class_id

    def close(self, class_id: UUID, on: date) -> Envelope:
        return self.emit(ClassClosed(class_id=class_id), on)

    def fund(self, yuan: int, start: date, end: date, on: date | None = None) -> Envelope:
        return self.emit(
            FundingRecorded(
                funding_id=uuid4(),
                amount_yuan=Decimal(yuan),
                source="fiscal_poverty_alleviation",
                period_start=start,
                period_end=end,
            ),
            on or start,
        )

    def graduate(self, student: UUID, on: date, *, recorded: datetime | None = None) -> Envelope:
        return self.emit(Graduated(graduated_on=on), on, student=student, recorded=recorded)

    def enrol(
        self,
        class_id: UUID,
        region: str,
        *,
        poor: bool = False,
        start: date = date(2024, 3, 1),
        decision: str = "admitted",
        enrol: bool = True,
    ) -> UUID:
        student, application = uuid4(), uuid4()
        self.emit(
            ApplicationSubmitted(
                application_id=application,
                home_region=region,
                poor_household=poor,
                poor_household_verified_by="poverty_registry",
                prior_education="junior",
                channel="school",
            ),
            date(2024, 1, 10),
            student=student,
            class_id=class_id,
        )
        self.emit(
            ApplicationDecided(application_id=application, decision=decision),
            date(2024, 2, 1),
            student=student,
            class_id=class_id,
        )
        if enrol:
            self.emit(
                StudentEnrolled(application_id=application, start_on=start, planned_end_on=date(2025, 1, 15)),
                start,
                student=student,
                class_id=class_id,
            )
        return student

    def place(
        self,
        student: UUID,
        start: date,
        *,
        code: str,
        wage: int,
        employer_type: str = "private",
        location: str = "east",
        related: bool = True,
        relation: str = "other",
        on: date | None = None,
    ) -> tuple[Envelope, UUID]:
        placement = uuid4()
        envelope = self.emit(
            Placed(
                placement_id=placement,
                employer_name="Employer",
                employer_credit_code=code,
                relation=relation,
                employer_type=employer_type,
                location=location,
                related_to_training=related,
                monthly_wage=Decimal(wage),
                contract_type="permanent",
                social_insurance=True,
                start_on=start,
            ),
            on or start,
            student=student,
            evidence=Evidence.EMPLOYER_CONFIRMATION,
        )
        return envelope, placement

    def check(
        self,
        student: UUID,
        placement: UUID,
        k: int,
        on: date,
        *,
        employed: bool = True,
        same: bool = True,
        evidence: Evidence = Evidence.EMPLOYER_CONFIRMATION,
        recorded: datetime | None = None,
    ) -> Envelope:
        return self.emit(
            RetentionChecked(placement_id=placement, checkpoint_days=k, still_employed=employed, same_employer=same),
            on,
            student=student,
            evidence=evidence,
            recorded=recorded,
        )


def records_of(events: Iterable[Envelope]) -> list[Record]:
    """Records built the way the worker builds them, packed and unpacked at every step."""
    store: dict[RecordKey, bytes] = {}
    for envelope in events:
        placed = place(envelope, lambda key: Record.unpack(key, store.get(key)))
        if placed is not None and placed[1] is Applied.NEW:
            store[placed[0].key] = placed[0].pack()
    return [Record.unpack(key, raw) for key, raw in store.items()]
