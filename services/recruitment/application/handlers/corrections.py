"""Following corrections of this service's own facts in its state (DOMAIN.md: corrections apply field by field).

The EventCorrected itself is written by the shared correction handler; this hook, in the same transaction, writes
the corrected fields into the state the rules read (a class's seats, a decision, an agreement's terms) and checks
the result against the same rules, so a correction that would break one is refused like the command would be.
Ids and references (a class's school or programme, an application's class) cannot be corrected: retract the fact
and record it again.
"""

from __future__ import annotations

from typing import Any, TypeVar

from services.recruitment.application.handlers.common import found
from services.recruitment.application.handlers.partnerships import refold_terms
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain import classes as class_rules
from services.recruitment.domain import partnerships as partnership_rules
from services.recruitment.domain import students as student_rules
from services.recruitment.domain.errors import Contradiction, IllegalMove, UnknownRecord
from services.recruitment.domain.parties import require_role
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import (
    ClassOpened,
    FundingRecorded,
    PartnershipAmended,
    PartnershipSigned,
    PartyRole,
)
from shared.contracts.recruitment import ApplicationDecided, EmploymentIntentSigned, StudentEnrolled

T = TypeVar("T")

# The payload fields whose correction changes this service's state, by event type.
CORRECTABLE: dict[str, frozenset[str]] = {
    "ClassOpened": frozenset(
        {"name", "major", "seats", "cohort_year", "planned_start", "planned_end", "hiring_commitment"}
    ),
    "ApplicationSubmitted": frozenset(
        {"home_region", "poor_household", "poor_household_verified_by", "prior_education", "channel"}
    ),
    "ApplicationDecided": frozenset({"decision", "reason"}),
    "StudentEnrolled": frozenset({"start_on", "planned_end_on"}),
    "EnrollmentCancelled": frozenset({"reason"}),
    "EmploymentIntentSigned": frozenset({"employer_id"}),
    "ExclusionApplied": frozenset({"reason"}),
    "PartnershipEnded": frozenset({"reason"}),
    "MemberJoined": frozenset({"member_role"}),
    "MemberLeft": frozenset({"reason"}),
    "TargetSet": frozenset({"metric", "comparison", "goal", "class_id"}),
    "ProgrammeRegistered": frozenset({"name"}),
    "FundingRecorded": frozenset({"amount_yuan", "source", "period_start", "period_end"}),
}
IDENTITIES = frozenset(
    {
        "application_id",
        "class_id",
        "programme_id",
        "school_id",
        "sponsor_id",
        "sponsor_credit_code",
        "party_id",
        "target_id",
        "funding_id",
    }
)


async def on_corrected(uow: RecruitmentUnitOfWork, target: Envelope, correction: Envelope) -> None:
    fields: dict[str, Any] = correction.data.fields  # type: ignore[attr-defined]  # an EventCorrected
    corrected = type(target.data).model_validate({**target.data_json(), **fields})
    if isinstance(corrected, PartnershipSigned | PartnershipAmended):
        await _correct_terms(uow, target, corrected, "parent_id" in fields)
    elif target.type in CORRECTABLE:
        correctable = CORRECTABLE[target.type]
        refused = sorted((set(fields) & IDENTITIES) - correctable)
        if refused:
            raise Contradiction(f"{refused} of a {target.type} cannot be corrected; retract it and record it again")
        await uow.state.rewrite(target, {f: getattr(corrected, f) for f in sorted(set(fields) & correctable)})
        await _check(uow, target, corrected)


async def _correct_terms(
    uow: RecruitmentUnitOfWork, target: Envelope, corrected: PartnershipSigned | PartnershipAmended, new_parent: bool
) -> None:
    partnership_id = target.partnership_id
    if new_parent and corrected.parent_id is not None:
        parent_id = corrected.parent_id
        parent = found(await uow.partnerships.get(parent_id), "parent partnership", parent_id)
        partnership_rules.check_parent(partnership_id, parent, await uow.partnerships.ancestors(parent_id))
    if isinstance(corrected, PartnershipSigned):
        await uow.partnerships.save_signed(partnership_id, corrected)
    else:
        await uow.partnerships.save_amendment(target.id, corrected)
    partnership_rules.check_terms(await refold_terms(uow, partnership_id))


async def _check(uow: RecruitmentUnitOfWork, target: Envelope, corrected: EventPayload) -> None:
    """The rules the corrected state must still keep, read back from the state as it stands now."""
    if isinstance(corrected, ClassOpened):
        class_rules.check_terms(_still_there(target, await uow.classes.terms(target.id)))
    elif isinstance(corrected, StudentEnrolled):
        student_rules.check_dates(*_still_there(target, await uow.students.enrolment_dates(target.id)))
    elif isinstance(corrected, ApplicationDecided) and isinstance(target.data, ApplicationDecided):
        if corrected.decision != target.data.decision and await uow.students.decision_enrolled(target.id):
            raise IllegalMove("the application was enrolled; retract the enrolment before changing its decision")
    elif isinstance(corrected, EmploymentIntentSigned):
        employer = found(await uow.parties.get(corrected.employer_id), "party", corrected.employer_id)
        require_role(employer, PartyRole.ENTERPRISE, "the employer")
    elif isinstance(corrected, FundingRecorded):
        partnership_rules.check_funding(corrected.amount_yuan, corrected.period_start, corrected.period_end)


def _still_there(target: Envelope, state: T | None) -> T:
    if state is None:
        raise UnknownRecord(f"the state recorded by {target.type} {target.id} is gone")
    return state
